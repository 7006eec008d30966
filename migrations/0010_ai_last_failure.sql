-- The provider's last failure for good (issue 5): why the mentors answered offline — a wrong key,
-- a model name the provider does not know, an outage — for the admin's AI usage page, without
-- anyone having to ask a mentor to find out. One row, replaced by each failure; written only when
-- a call fails, so answering costs nothing more.
CREATE TABLE ai_last_failure (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL,
    feature TEXT NOT NULL,
    reason TEXT NOT NULL
);
