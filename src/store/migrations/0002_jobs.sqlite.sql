-- jobs: the transactional outbox (src/jobs/jobs.h).
-- Timestamps are integer unix milliseconds (UTC) on both databases, so they
-- sort and compare identically; the application supplies them.
-- payload is JSON text, validated by the application and stored verbatim.

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    handler TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    UNIQUE (event_id, handler)
);

-- The claim query looks for state = 'pending' AND run_at <= now, and for
-- state = 'running' AND locked_until <= now (expired leases).
CREATE INDEX jobs_claim ON jobs (state, run_at);
CREATE INDEX jobs_lease ON jobs (state, locked_until);
