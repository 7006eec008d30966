-- When the provider last answered, per UTC day and feature (issue 5), beside the last failure of
-- migration 0010: a failure newer than every answer means the provider is failing now, which
-- `/api/health` raises as an alert. Set by the ledger's existing write after each answer, so it
-- costs no statement of its own.
ALTER TABLE ai_usage ADD COLUMN last_answer_at INTEGER;
