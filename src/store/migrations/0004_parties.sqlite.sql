-- parties: customers (kontrahenci) with their addresses, contacts and bank
-- accounts, and the own company with its bank accounts (src/parties/).
-- Timestamps are integer unix milliseconds (UTC), supplied by the
-- application. Identifiers (NIP, VAT id, IBAN, REGON) are stored normalised:
-- upper case, no spaces or dashes, NIP without the "PL" prefix.
-- Countries are ISO 3166-1 alpha-2 codes checked against the table in
-- src/parties/country.c (the application owns that list, not the database).
-- lang, currency and document_type hold the effective values other modules
-- read; the *_override columns hold what a user chose instead of the
-- default derived from country and VAT id (NULL = derived).
-- Prices, price lists and discounts of a customer live in the prices module.

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    tax_id_kind TEXT NOT NULL CHECK (tax_id_kind IN ('nip', 'eu_vat', 'foreign', 'none')),
    tax_id TEXT,
    regon TEXT,
    country TEXT NOT NULL CHECK (length(country) = 2),
    lang TEXT NOT NULL CHECK (lang IN ('pl', 'en', 'de')),
    lang_override TEXT CHECK (lang_override IN ('pl', 'en', 'de')),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    currency_override TEXT CHECK (length(currency_override) = 3),
    document_type TEXT NOT NULL CHECK (document_type IN ('domestic', 'intra_eu', 'export')),
    document_type_override TEXT
        CHECK (document_type_override IN ('domestic', 'intra_eu', 'export')),
    payment_days INTEGER NOT NULL CHECK (payment_days BETWEEN 0 AND 365),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('transfer', 'cash', 'cod', 'card')),
    credit_limit INTEGER CHECK (credit_limit >= 0),
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    document_email TEXT,
    notes TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- Lookup and prefix search by tax id and name (lower-cased by the query).
CREATE INDEX customers_tax_id ON customers (tax_id);
CREATE INDEX customers_country ON customers (country, code);

CREATE TABLE customer_addresses (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    recipient TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL CHECK (length(country) = 2),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (customer_id, label)
);
-- At most one default delivery address per customer.
CREATE UNIQUE INDEX customer_addresses_default ON customer_addresses (customer_id)
    WHERE is_default = 1;

CREATE TABLE customer_contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    role TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX customer_contacts_customer ON customer_contacts (customer_id);

CREATE TABLE customer_bank_accounts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    iban TEXT NOT NULL,
    bank_name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (customer_id, iban)
);
-- Payment recognition looks a statement line's IBAN up here.
CREATE INDEX customer_bank_accounts_iban ON customer_bank_accounts (iban);

-- The own company: exactly one row (id = 1) once set up.
CREATE TABLE company (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    nip TEXT NOT NULL,
    regon TEXT,
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'PL' CHECK (length(country) = 2),
    default_warehouse TEXT,
    default_lang TEXT NOT NULL DEFAULT 'pl' CHECK (default_lang IN ('pl', 'en', 'de')),
    email_from_name TEXT NOT NULL DEFAULT '',
    email_from_address TEXT,
    logo_blob TEXT,
    logo_type TEXT CHECK (logo_type IN ('image/png', 'image/jpeg')),
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE company_bank_accounts (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    iban TEXT NOT NULL UNIQUE,
    bank_name TEXT NOT NULL DEFAULT '',
    swift TEXT,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at INTEGER NOT NULL
);
-- One default account per currency (the one printed on pro-formas).
CREATE UNIQUE INDEX company_bank_accounts_default ON company_bank_accounts (currency)
    WHERE is_default = 1;
