-- AI mentors (issue 5, DOMAIN §5.3-§5.5, §6): the provider budget ledger, chat history, guided
-- learning jobs and the approved knowledge base. Timestamps are INTEGER unix seconds (UTC); days
-- are UTC dates 'YYYY-MM-DD'.

-- One row per UTC day and feature; every provider request is counted here (retries included), so
-- the daily budget is one atomic sum instead of per-module counters (DOMAIN §8 item 29).
CREATE TABLE ai_usage (
    day TEXT NOT NULL,
    feature TEXT NOT NULL CHECK (feature IN ('advice', 'chat', 'learn', 'ingest')),
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

-- Provider requests per user and day, for the per-user daily cap.
CREATE TABLE ai_user_usage (
    day TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, user_id)
);

-- Mentor chat: the original was single-turn; here recent turns are sent back as context.
CREATE TABLE chat_conversations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mentor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX chat_conversations_user ON chat_conversations (user_id);

CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages (conversation_id, id);

-- Guided learning: POST /learn queues a job, the cron `jobs` component works it off.
-- A running job holds a lease; a job whose lease expired (crashed run) is taken again, at most
-- `attempts` < 3 times.
CREATE TABLE learn_jobs (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    input_kind TEXT NOT NULL CHECK (input_kind IN ('text', 'url')),
    input TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'approved')),
    progress TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_expires_at INTEGER,
    source_text TEXT,
    strategies_json TEXT,       -- JSON array of {category, trigger, advice, confidence}
    mental_models_json TEXT,    -- JSON array of strings
    notes_json TEXT,            -- JSON array of what was repaired or could not be extracted
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX learn_jobs_status ON learn_jobs (status, id);

-- The approved knowledge base (DOMAIN §2.5). `content_key` is the normalized identity used for
-- dedupe: category|trigger|advice (strategies) or the content (mental models), lower-cased with
-- whitespace collapsed.
CREATE TABLE strategies (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('Buying', 'Pricing', 'Risk', 'Seasonality', 'General')),
    trigger_text TEXT NOT NULL,
    advice TEXT NOT NULL,
    confidence TEXT NOT NULL,
    source_job_id INTEGER,
    date_added TEXT NOT NULL,
    content_key TEXT NOT NULL UNIQUE
);

CREATE TABLE mental_models (
    id INTEGER PRIMARY KEY,
    content TEXT NOT NULL,
    source_job_id INTEGER,
    date_added TEXT NOT NULL,
    content_key TEXT NOT NULL UNIQUE
);

-- Bumped by every change of the knowledge base; part of the advice cache key, so approving new
-- strategies makes old advice stale without deleting anything.
CREATE TABLE knowledge_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO knowledge_version (id, version) VALUES (1, 1);
CREATE TRIGGER knowledge_version_strategy_insert AFTER INSERT ON strategies
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER knowledge_version_strategy_update AFTER UPDATE ON strategies
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER knowledge_version_strategy_delete AFTER DELETE ON strategies
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER knowledge_version_model_insert AFTER INSERT ON mental_models
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER knowledge_version_model_update AFTER UPDATE ON mental_models
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER knowledge_version_model_delete AFTER DELETE ON mental_models
BEGIN UPDATE knowledge_version SET version = version + 1 WHERE id = 1; END;
