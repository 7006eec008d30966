-- How many of a day's prompt tokens the provider served from its prompt cache (issue 5): it
-- bills them at a fraction of the prompt price, so the admin's usage page shows them beside the
-- prompt tokens they are part of, and the spend they explain. Written by the ledger's existing
-- UPSERT after each answer, so it costs no statement of its own.
ALTER TABLE ai_usage ADD COLUMN cached_prompt_tokens INTEGER NOT NULL DEFAULT 0;
