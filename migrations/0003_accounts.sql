-- Accounts, sessions and per-user business settings (DOMAIN §2.6, §2.4), plus what the deals API
-- needs to answer fast: indexes for filtered, sorted pages and a data version for cached counts.

-- Users are created with `scripts/admin user add`; there are no built-in accounts.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,                 -- argon2id PHC string
    role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    created_at INTEGER NOT NULL
);

-- Only the SHA-256 of the session token is stored, so a leaked database opens no session.
-- Sessions end 7 days after `last_seen_at` or 30 days after `created_at`, whichever comes first.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A missing row means the production defaults of DOMAIN §4.11 (prep $2.75, shipping $3.99,
-- tax 5 %, markup 10 %); the column defaults repeat them for rows created partially.
CREATE TABLE user_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    prep_fee_cents INTEGER NOT NULL DEFAULT 275 CHECK (prep_fee_cents >= 0),
    inbound_shipping_cents INTEGER NOT NULL DEFAULT 399 CHECK (inbound_shipping_cents >= 0),
    sales_tax_pct REAL NOT NULL DEFAULT 5.0 CHECK (sales_tax_pct >= 0),
    tax_exempt INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1)),
    markup_pct REAL NOT NULL DEFAULT 10.0 CHECK (markup_pct >= 0),
    updated_at INTEGER NOT NULL
);

-- The user-independent part of the profit (crates/domain/src/fees.rs): List at less its
-- referral fee (nothing without a List at), less the buy price and the pick & pack fee, so that
--   profit = profit_base_cents - tax(price_now, user) - prep_fee - inbound_shipping
-- Sorting and filtering on profit or ROI then read it from the index below instead of
-- recomputing the referral fee for every row. It is a plain column kept up to date by triggers:
-- SQLite treats a reference to a VIRTUAL generated column as a reference to every column, which
-- makes no index covering. Fee defaults as in DealEconomicsInputs::new.
ALTER TABLE deals ADD COLUMN profit_base_cents INTEGER;
CREATE TRIGGER deals_profit_base_on_insert AFTER INSERT ON deals
BEGIN
    UPDATE deals SET profit_base_cents =
        (CASE WHEN NEW.list_at_cents > 0 THEN NEW.list_at_cents - CAST(round(NEW.list_at_cents
            * (CASE WHEN NEW.referral_fee_pct >= 0 THEN NEW.referral_fee_pct ELSE 15.0 END) / 100.0) AS INTEGER)
         ELSE 0 END)
        - NEW.price_now_cents - (CASE WHEN NEW.fba_fee_cents >= 0 THEN NEW.fba_fee_cents ELSE 550 END)
    WHERE id = NEW.id;
END;
CREATE TRIGGER deals_profit_base_on_update
AFTER UPDATE OF price_now_cents, list_at_cents, fba_fee_cents, referral_fee_pct ON deals
BEGIN
    UPDATE deals SET profit_base_cents =
        (CASE WHEN NEW.list_at_cents > 0 THEN NEW.list_at_cents - CAST(round(NEW.list_at_cents
            * (CASE WHEN NEW.referral_fee_pct >= 0 THEN NEW.referral_fee_pct ELSE 15.0 END) / 100.0) AS INTEGER)
         ELSE 0 END)
        - NEW.price_now_cents - (CASE WHEN NEW.fba_fee_cents >= 0 THEN NEW.fba_fee_cents ELSE 550 END)
    WHERE id = NEW.id;
END;
UPDATE deals SET profit_base_cents =
    (CASE WHEN list_at_cents > 0 THEN list_at_cents - CAST(round(list_at_cents
        * (CASE WHEN referral_fee_pct >= 0 THEN referral_fee_pct ELSE 15.0 END) / 100.0) AS INTEGER)
     ELSE 0 END)
    - price_now_cents - (CASE WHEN fba_fee_cents >= 0 THEN fba_fee_cents ELSE 550 END);

-- The visible deals (the completeness rule of DOMAIN §5.1, spelled out on plain columns for the
-- same reason) with every column the filters and the economics read: a filtered, sorted page is
-- one pass over this narrow index, and only the page's rows are then read in full. `sales_rank`
-- comes first so that a rank filter narrows the pass to a range.
CREATE INDEX deals_listing ON deals (
    sales_rank, profit_base_cents, price_now_cents, list_at_cents, fba_fee_cents, referral_fee_pct,
    one_year_avg_cents, drops30, deal_trust, seller_quality, percent_down, amazon_selling, condition)
WHERE list_at_cents > 0 AND one_year_avg_cents > 0 AND price_now_cents > 0;

-- The same, in profit order: the most profitable visible deals for any user come first here
-- (a user's costs only lower the profit), so a page sorted by profit is found by walking the top
-- of this index instead of sorting every visible deal (crates/deals-query, `profit_floor`).
CREATE INDEX deals_by_profit ON deals (
    profit_base_cents, sales_rank, price_now_cents, list_at_cents, fba_fee_cents, referral_fee_pct,
    one_year_avg_cents, drops30, deal_trust, seller_quality, percent_down, amazon_selling, condition)
WHERE list_at_cents > 0 AND one_year_avg_cents > 0 AND price_now_cents > 0;

-- Bumped by every change to `deals`, so cached counts and ETags know when the data moved.
CREATE TABLE deals_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO deals_version (id, version) VALUES (1, 1);
CREATE TRIGGER deals_version_on_insert AFTER INSERT ON deals
BEGIN UPDATE deals_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER deals_version_on_update AFTER UPDATE ON deals
BEGIN UPDATE deals_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER deals_version_on_delete AFTER DELETE ON deals
BEGIN UPDATE deals_version SET version = version + 1 WHERE id = 1; END;
-- Titles, authors and publishers are matched by the keyword filter.
CREATE TRIGGER deals_version_on_product_update AFTER UPDATE ON products
BEGIN UPDATE deals_version SET version = version + 1 WHERE id = 1; END;
