-- stock: warehouses, stock per product and warehouse, and the stock ledger
-- (src/catalog/warehouse.h, src/catalog/stock.h).
-- Quantities are integer thousandths (src/base/qty.h): 1 piece = 1000.
-- Every change of stock.on_hand or stock.reserved is written together with
-- one stock_ledger row in the same transaction by src/catalog/stock.c, so
-- the stock of any moment is the sum of the ledger up to that moment.
-- stock.last_delta is the on_hand change made by the latest UPDATE of the
-- row: an absolute "set" writes it in the same statement
-- (last_delta = ?new - on_hand reads the old value), so the change can be
-- recorded in the ledger without reading the row first.
-- Timestamps are integer unix milliseconds (UTC), supplied by the
-- application. The ledger's user column is named username because USER is
-- a reserved word in PostgreSQL.

CREATE TABLE warehouses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    street TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'PL' CHECK (length(country) = 2),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE stock (
    product_id INTEGER NOT NULL REFERENCES products (id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
    on_hand INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    last_delta INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, warehouse_id)
);
CREATE INDEX stock_warehouse ON stock (warehouse_id, product_id);

CREATE TABLE stock_ledger (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    delta INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('set', 'adjust', 'receipt', 'issue', 'return',
        'move', 'reserve', 'release', 'import')),
    doc_ref TEXT,
    resulting_on_hand INTEGER NOT NULL,
    resulting_reserved INTEGER NOT NULL,
    username TEXT
);
-- History of one product in one warehouse, in the order the changes happened.
CREATE INDEX stock_ledger_item ON stock_ledger (product_id, warehouse_id, id);
CREATE INDEX stock_ledger_at ON stock_ledger (at);
