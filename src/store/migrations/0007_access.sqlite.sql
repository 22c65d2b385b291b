-- access: users, roles, sessions, login throttling and API tokens
-- (src/access/access.h). Timestamps are integer unix milliseconds (UTC),
-- supplied by the application. Permission codes are checked against the
-- table in src/access/permission.c (the application owns that list).
-- Secrets are stored only as SHA-256 hex (sessions.token_hash,
-- api_tokens.token_hash) or as argon2id strings (users.password_hash).

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'customer')),
    customer_id INTEGER REFERENCES customers (id),
    -- lower-cased by the application, so UNIQUE is case-insensitive
    login TEXT NOT NULL UNIQUE CHECK (login = lower(login)),
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'pl' CHECK (lang IN ('pl', 'en')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    -- a customer user belongs to exactly one customer, staff to none
    CHECK ((kind = 'staff' AND customer_id IS NULL) OR
           (kind = 'customer' AND customer_id IS NOT NULL))
);
CREATE INDEX users_customer ON users (customer_id);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'customer'))
);

CREATE TABLE role_permissions (
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id INTEGER NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    idle_expires_at INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    csrf_token TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_idle ON sessions (idle_expires_at);

-- key: 'login:<login>' or 'addr:<ip>'
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    last_used_at INTEGER,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The default roles. Later modules grant their new permissions to these
-- roles in their own migrations.
INSERT INTO roles (code, name, kind) VALUES
    ('admin', 'Administrator', 'staff'),
    ('sales', 'Sprzedaż / Sales', 'staff'),
    ('warehouse', 'Magazyn / Warehouse', 'staff'),
    ('accountant', 'Księgowość / Accounting', 'staff'),
    ('customer_buyer', 'Klient: zamówienia / Customer: orders', 'customer'),
    ('customer_service', 'Klient: serwis / Customer: service', 'customer'),
    ('customer_documents', 'Klient: dokumenty / Customer: documents', 'customer'),
    ('customer_all', 'Klient: wszystkie portale / Customer: all portals', 'customer');

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, p.permission FROM roles r JOIN (
    SELECT 'admin' AS role, 'admin' AS permission
    UNION ALL SELECT 'sales', 'catalog.read'
    UNION ALL SELECT 'sales', 'customers.read'
    UNION ALL SELECT 'sales', 'customers.write'
    UNION ALL SELECT 'sales', 'prices.write'
    UNION ALL SELECT 'sales', 'orders.read'
    UNION ALL SELECT 'sales', 'orders.write'
    UNION ALL SELECT 'sales', 'documents.issue'
    UNION ALL SELECT 'warehouse', 'catalog.read'
    UNION ALL SELECT 'warehouse', 'stock.write'
    UNION ALL SELECT 'warehouse', 'orders.read'
    UNION ALL SELECT 'warehouse', 'shipping.write'
    UNION ALL SELECT 'accountant', 'catalog.read'
    UNION ALL SELECT 'accountant', 'customers.read'
    UNION ALL SELECT 'accountant', 'orders.read'
    UNION ALL SELECT 'accountant', 'documents.issue'
    UNION ALL SELECT 'accountant', 'bank.import'
    UNION ALL SELECT 'customer_buyer', 'portal.orders'
    UNION ALL SELECT 'customer_service', 'portal.service'
    UNION ALL SELECT 'customer_documents', 'portal.documents'
    UNION ALL SELECT 'customer_all', 'portal.orders'
    UNION ALL SELECT 'customer_all', 'portal.service'
    UNION ALL SELECT 'customer_all', 'portal.documents'
) p ON p.role = r.code;
