-- Which path produced each AI-assisted figure of a deal (issue 5, DOMAIN §6.4 [REWRITE]: explicit
-- "degraded" flags on the row instead of the original's silent defaults). The ingest job asks the
-- AI provider, when one is configured, about the price (§4.4 step 4), the season (§4.6 step 5) and
-- hidden sales (§4.3 step 7); without an answer each takes its non-AI path and says why:
-- no provider (the plain value), `_quota` (daily budget, the run's call cap or time used up) or
-- `_error` (provider failure or an unusable answer).

-- The AI's verdict on List at where the rules leave it to the AI (`list_at_check` 'ai' or
-- 'accepted'): 'none' (no question: no candidate, or capped/sparse/hard-cap rules decided),
-- 'ai_yes' (kept), 'ai_no' (List at NULL: stored hidden), 'accepted' (no provider),
-- 'accepted_quota', 'accepted_error'.
ALTER TABLE deals ADD COLUMN list_at_review TEXT CHECK (list_at_review IN
    ('none', 'ai_yes', 'ai_no', 'accepted', 'accepted_quota', 'accepted_error'));

-- Where the sales behind List at and the 1-year average come from: 'inferred' (the algorithm, or
-- nothing to rescue), 'ai_rescue' (no sale confirmed; the AI's events, `sale_events.origin` 'ai'),
-- 'ai_no_sales' (asked; nothing confident), 'unrescued' (no provider), 'unrescued_quota',
-- 'unrescued_error'.
ALTER TABLE deals ADD COLUMN sales_source TEXT CHECK (sales_source IN
    ('inferred', 'ai_rescue', 'ai_no_sales', 'unrescued', 'unrescued_quota', 'unrescued_error'));

-- `seasonality_source` gains 'default_quota' and 'default_error' ('default' stays: no keyword and
-- no provider). SQLite cannot alter a CHECK, so the column is replaced: same name and values, now
-- the last column. Nothing else in the schema refers to it.
ALTER TABLE deals ADD COLUMN seasonality_source_v2 TEXT CHECK (seasonality_source_v2 IN
    ('keywords', 'ai', 'default', 'default_quota', 'default_error'));
UPDATE deals SET seasonality_source_v2 = seasonality_source;
ALTER TABLE deals DROP COLUMN seasonality_source;
ALTER TABLE deals RENAME COLUMN seasonality_source_v2 TO seasonality_source;

-- Rows analysed before the AI path existed took the non-AI path (no provider).
UPDATE deals SET list_at_review = CASE WHEN list_at_check = 'accepted' THEN 'accepted' ELSE 'none' END;
UPDATE deals SET sales_source = CASE
    WHEN inferred_sales_count = 0 AND sales_rank < 2000000 THEN 'unrescued' ELSE 'inferred' END;
