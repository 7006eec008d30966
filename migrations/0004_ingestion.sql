-- Ingestion state (issue 3). Timestamps are INTEGER unix seconds (UTC).
-- Progress, checkpoints and errors of the ingest job live in `system_state` (0001) under `ingest.*`
-- keys; the tables here hold what needs more than one key/value.

-- The Keepa token bucket (DOMAIN §3.5) with the learned cost of each call kind (§8 item 4), one row.
-- Keepa's authoritative `tokensLeft` overwrites it after every call, failed calls included.
CREATE TABLE keepa_token_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tokens_left REAL NOT NULL,
    refill_rate_per_min REAL NOT NULL,
    observed_at INTEGER NOT NULL,
    recharge_started_at INTEGER,
    last_sync_at INTEGER,
    cost_model TEXT NOT NULL,          -- JSON of domain::ingest::CostModel
    updated_at INTEGER NOT NULL
);

-- Deals already handled in the current discovery pass, written in the same transaction as the
-- deal rows they produced. Keepa's /deal pages are not sorted by lastUpdate and shift between
-- requests, so a resumed or repeated page is filtered against this table: nothing is processed
-- twice and a rejected deal is not re-peeked in the same pass (DOMAIN §8 items 19-20).
-- Cleared when a pass completes.
CREATE TABLE ingest_pass_seen (
    asin TEXT PRIMARY KEY,
    last_update INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'refreshed', 'rejected'))
);
