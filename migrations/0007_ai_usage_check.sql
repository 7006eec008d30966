-- The AI ledger's `feature` CHECK as comparisons instead of an IN list (issue 5). SQLite checks a
-- constant IN list of more than two values by filling a temporary table with it, on every insert
-- into the ledger: twice per AI request, a twentieth of its CPU. SQLite cannot alter a CHECK, so
-- the table is rebuilt: same columns in the same order, same key, same rows.
CREATE TABLE ai_usage_rebuilt (
    day TEXT NOT NULL,
    feature TEXT NOT NULL CHECK (feature = 'advice' OR feature = 'chat' OR feature = 'learn' OR feature = 'ingest'),
    calls INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    estimated_cost_micro_usd INTEGER NOT NULL DEFAULT 0,
    -- answers served without a provider call: from the advice cache, or by the offline advisor
    cache_hits INTEGER NOT NULL DEFAULT 0,
    offline_answers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, feature)
);
INSERT INTO ai_usage_rebuilt SELECT * FROM ai_usage;
DROP TABLE ai_usage;
ALTER TABLE ai_usage_rebuilt RENAME TO ai_usage;
