-- catalog: product records, product groups, texts per language, images and
-- the search index (src/catalog/product.h, group.h, image.h, search.h).
-- Timestamps are integer unix milliseconds (UTC), supplied by the application.
--
-- Search columns are maintained by the application (src/catalog/fold.h folds
-- case and Polish/German diacritics): code_fold is the folded code,
-- name_fold the folded Polish name (sort key), search_text " w1 w2 ... "
-- the folded words of the names in every language, and product_words one
-- row per distinct (word, product). Why a word table and not FTS5: an
-- autocomplete wants the top 10 of a 2-letter prefix that may match 100 000
-- of 1 000 000 products, in a defined order. FTS5 (and a PostgreSQL GIN
-- index) hands matches back unordered, so every match would be collected
-- and sorted; a B-tree on (word, product_id) is an ordered prefix index:
-- "word >= 'ka' AND word < 'ka' || U+10FFFF" reads just the first rows, on
-- both databases alike, with identical results (bench/bench_search.c).

CREATE TABLE product_groups (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES product_groups (id),
    code TEXT NOT NULL UNIQUE,
    name_pl TEXT NOT NULL,
    name_en TEXT,
    name_de TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX product_groups_parent ON product_groups (parent_id, position);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    code_fold TEXT NOT NULL,
    ean TEXT UNIQUE,
    unit TEXT NOT NULL,
    -- CHECKs spell out "x = 'a' OR x = 'b' ..." instead of "x IN (...)":
    -- SQLite builds a temporary b-tree for an IN list of three or more
    -- values on every row written, a fifth of the cost of a bulk insert.
    vat_rate TEXT NOT NULL CHECK (vat_rate = '23' OR vat_rate = '8' OR vat_rate = '5'
        OR vat_rate = '0' OR vat_rate = 'zw' OR vat_rate = 'np' OR vat_rate = 'oo'),
    pkwiu TEXT,
    cn_code TEXT,
    weight_g INTEGER CHECK (weight_g IS NULL OR weight_g >= 0),
    group_id INTEGER REFERENCES product_groups (id),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    name_fold TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- (code_fold, id): the order autocomplete reads codes in, so that a prefix
-- shared by thousands of codes still yields its first rows without a sort.
CREATE INDEX products_code_fold ON products (code_fold, id);
CREATE INDEX products_group ON products (group_id, id);

CREATE TABLE product_texts (
    product_id INTEGER NOT NULL REFERENCES products (id),
    lang TEXT NOT NULL CHECK (lang = 'pl' OR lang = 'en' OR lang = 'de'),
    name TEXT NOT NULL,
    short_desc TEXT,
    long_desc TEXT,
    PRIMARY KEY (product_id, lang)
) WITHOUT ROWID;

-- product_words is derived data, written only by catalog/search.c from
-- products.search_text; it has no foreign key because checking one per word
-- would cost a bulk load more than it protects (products are never deleted).
CREATE TABLE product_words (
    word TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    PRIMARY KEY (word, product_id)
) WITHOUT ROWID;

-- Images: position 0 is the main image; positions are kept 0..n-1 by the
-- application. blob_hash/thumb_hash name blobs in the blob store.
CREATE TABLE product_images (
    product_id INTEGER NOT NULL REFERENCES products (id),
    blob_hash TEXT NOT NULL,
    position INTEGER NOT NULL,
    mime TEXT NOT NULL CHECK (mime = 'image/jpeg' OR mime = 'image/png' OR mime = 'image/webp'),
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    thumb_hash TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (product_id, blob_hash)
);
CREATE INDEX product_images_order ON product_images (product_id, position);
