-- Questions whose answer is being asked of the provider right now, by cache key, until a time
-- limit: the same question arriving meanwhile (a deal closed and opened again, a second tab)
-- waits for that answer instead of paying for a second call. Written in the ledger's reservation
-- transaction, so marking costs no write of its own; removed when the call fails for good, left
-- to expire after an answer (which the cache then holds), and swept by the maintenance job.
CREATE TABLE ai_in_flight (
    cache_key TEXT PRIMARY KEY,
    until INTEGER NOT NULL
) WITHOUT ROWID;
