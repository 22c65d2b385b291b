-- Instance settings: facts about this installation (its id, when it was
-- initialised), one row per key, read and written via store_setting_*.
CREATE TABLE kv_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
