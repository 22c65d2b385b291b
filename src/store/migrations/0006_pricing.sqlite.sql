-- pricing: price lists with their items, customer-specific prices and a
-- customer's price terms (src/catalog/price.h). price_resolve in
-- src/catalog/price.c is the only place a price is decided from them.
-- Unit prices are integer 1/10000 of the currency unit (src/base/money.h);
-- min_qty is integer thousandths (src/base/qty.h); discount is integer
-- hundredths of a percent (5 % = 500). Dates are ISO 'YYYY-MM-DD' text,
-- which compares in calendar order on both databases; NULL is open-ended.
-- A product's named prices (retail, wholesale, special ...) are price lists.
-- At most one list per currency is the default one (is_default = 1): the
-- price of a customer without a price of their own in that currency.

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    basis TEXT NOT NULL CHECK (basis IN ('net', 'gross')),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX price_lists_default ON price_lists (currency) WHERE is_default = 1;

CREATE TABLE price_list_items (
    id INTEGER PRIMARY KEY,
    price_list_id INTEGER NOT NULL REFERENCES price_lists (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    price INTEGER NOT NULL CHECK (price >= 0),
    valid_from TEXT CHECK (length(valid_from) = 10),
    valid_to TEXT CHECK (length(valid_to) = 10),
    min_qty INTEGER NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
-- One item per (list, product, tier, start); setting it again replaces it.
CREATE UNIQUE INDEX price_list_items_key
    ON price_list_items (price_list_id, product_id, min_qty, COALESCE(valid_from, ''));
CREATE INDEX price_list_items_product ON price_list_items (product_id);

CREATE TABLE customer_prices (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    price INTEGER NOT NULL CHECK (price >= 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    basis TEXT NOT NULL DEFAULT 'net' CHECK (basis IN ('net', 'gross')),
    valid_from TEXT CHECK (length(valid_from) = 10),
    valid_to TEXT CHECK (length(valid_to) = 10),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE UNIQUE INDEX customer_prices_key
    ON customer_prices (customer_id, product_id, currency, COALESCE(valid_from, ''));
CREATE INDEX customer_prices_product ON customer_prices (product_id);

CREATE TABLE customer_price_terms (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    price_list_id INTEGER REFERENCES price_lists (id),
    discount INTEGER NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 10000)
);
CREATE INDEX customer_price_terms_list ON customer_price_terms (price_list_id);
