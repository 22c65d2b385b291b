-- orders: numbering series and customer orders (src/series/series.h,
-- src/orders/orders.h). Money is integer minor units of the order's
-- currency, unit prices integer 1/10000, quantities integer thousandths,
-- discounts integer hundredths of a percent (5 % = 500), VAT rates the codes
-- of src/catalog/vat.c. Timestamps are integer unix milliseconds (UTC);
-- order_date is 'YYYY-MM-DD'.

-- A numbering series: code -> format such as 'ZK/{YYYY}/{MM}/{NNNN}'.
CREATE TABLE number_series (
    code TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The last number issued per series and period ('2026-11', '2026' or ''):
-- incremented with UPDATE ... RETURNING inside the issuing transaction, so
-- numbering is gapless.
CREATE TABLE series_counters (
    series_code TEXT NOT NULL REFERENCES number_series (code),
    period TEXT NOT NULL,
    last INTEGER NOT NULL CHECK (last >= 0),
    PRIMARY KEY (series_code, period)
);

INSERT INTO number_series (code, format, updated_at) VALUES ('ZK', 'ZK/{YYYY}/{MM}/{NNNN}', 0);

-- An order: header, snapshots of the billing and delivery address, state,
-- and the totals computed by src/orders/totals.c (stored, recomputed on
-- every line change). partial = 1 while any line is unmatched.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    source TEXT NOT NULL CHECK (source IN ('backoffice', 'portal') OR source LIKE 'shop:_%'),
    external_id TEXT,
    customer_po TEXT NOT NULL DEFAULT '',
    order_date TEXT NOT NULL CHECK (length(order_date) = 10),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    price_basis TEXT NOT NULL CHECK (price_basis IN ('net', 'gross')),
    lang TEXT NOT NULL CHECK (lang IN ('pl', 'en', 'de')),
    document_type TEXT NOT NULL CHECK (document_type IN ('domestic', 'intra_eu', 'export')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'confirmed', 'in_fulfilment',
        'shipped', 'completed', 'cancelled')),
    payment_state TEXT NOT NULL DEFAULT 'unpaid'
        CHECK (payment_state IN ('unpaid', 'partially_paid', 'paid', 'overpaid')),
    paid INTEGER NOT NULL DEFAULT 0,
    partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1)),
    bill_name TEXT NOT NULL,
    bill_tax_id TEXT NOT NULL DEFAULT '',
    bill_street TEXT NOT NULL DEFAULT '',
    bill_postal_code TEXT NOT NULL DEFAULT '',
    bill_city TEXT NOT NULL DEFAULT '',
    bill_country TEXT NOT NULL CHECK (length(bill_country) = 2),
    ship_name TEXT NOT NULL DEFAULT '',
    ship_street TEXT NOT NULL DEFAULT '',
    ship_postal_code TEXT NOT NULL DEFAULT '',
    ship_city TEXT NOT NULL DEFAULT '',
    ship_country TEXT NOT NULL CHECK (length(ship_country) = 2),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('transfer', 'cash', 'cod', 'card')),
    payment_days INTEGER NOT NULL CHECK (payment_days BETWEEN 0 AND 365),
    shipping_method TEXT NOT NULL DEFAULT '',
    shipping_cost INTEGER NOT NULL DEFAULT 0 CHECK (shipping_cost >= 0),
    shipping_vat TEXT NOT NULL DEFAULT '23',
    notes_customer TEXT NOT NULL DEFAULT '',
    notes_internal TEXT NOT NULL DEFAULT '',
    warehouse_id INTEGER REFERENCES warehouses (id),
    total_net INTEGER NOT NULL DEFAULT 0,
    total_vat INTEGER NOT NULL DEFAULT 0,
    total_gross INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    confirmed_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
-- One order per (source, external id): a shop order imported twice is found.
CREATE UNIQUE INDEX orders_external ON orders (source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX orders_customer ON orders (customer_id, id);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_date ON orders (order_date, id);
CREATE INDEX orders_po ON orders (customer_po);

-- Lines: kind 'product' refers to a product; kind 'unmatched' keeps what a
-- shop sent for a product unknown here (code, name, price, VAT as received)
-- until a person maps it. value is the line value in minor units on the
-- order's basis, rounded once. reserved / backordered are set on
-- confirmation.
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position > 0),
    kind TEXT NOT NULL CHECK (kind IN ('product', 'unmatched')),
    product_id INTEGER REFERENCES products (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    qty INTEGER NOT NULL CHECK (qty > 0),
    unit TEXT NOT NULL,
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    discount INTEGER NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 10000),
    vat_rate TEXT NOT NULL,
    price_source TEXT NOT NULL DEFAULT '',
    value INTEGER NOT NULL,
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    backordered INTEGER NOT NULL DEFAULT 0 CHECK (backordered >= 0),
    CHECK ((kind = 'product') = (product_id IS NOT NULL)),
    UNIQUE (order_id, position)
);
CREATE INDEX order_lines_product ON order_lines (product_id, order_id);

-- Who did what when: one row per change, detail is a JSON object (the diff).
CREATE TABLE order_history (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    revision INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX order_history_order ON order_history (order_id, id);

-- Numbered revisions of confirmed orders: the diff and the totals before
-- and after (documents re-issue the pro-forma for a new revision).
CREATE TABLE order_revisions (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    revision INTEGER NOT NULL CHECK (revision > 0),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    diff TEXT NOT NULL,
    gross_before INTEGER NOT NULL,
    gross_after INTEGER NOT NULL,
    PRIMARY KEY (order_id, revision)
);

-- The message thread of an order between the customer's users and staff;
-- read_at is set when the other side has read the message.
CREATE TABLE order_messages (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'staff')),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    read_at INTEGER
);
CREATE INDEX order_messages_order ON order_messages (order_id, id);
