-- Core application state shared by every component.
-- Timestamps are INTEGER unix seconds (UTC); money is INTEGER cents.

-- Progress and health of background work (ingestion checkpoints, last run, last error, ...).
CREATE TABLE system_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Settings an admin changes at run time (e.g. the Keepa deal query JSON).
CREATE TABLE app_config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
