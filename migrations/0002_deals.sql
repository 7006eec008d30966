-- The catalogue of books and the deals computed from Keepa (DOMAIN §2.6, adapted).
-- Money: INTEGER cents. Percentages: REAL (e.g. 15.0 = 15 %). Timestamps: INTEGER unix seconds (UTC).
-- NULL always means "unknown"; there are no placeholder strings.
--
-- Per-user figures (all-in cost, profit, margin, ROI, minimum listing price) are NOT stored: the deals
-- API computes them at query time from the stored inputs below (price_now_cents, list_at_cents,
-- fba_fee_cents, referral_fee_pct, shipping_included) and the requesting user's business settings,
-- so a settings change is effective on the very next request.

CREATE TABLE products (
    asin TEXT PRIMARY KEY CHECK (length(asin) = 10),
    title TEXT,
    author TEXT,
    publisher TEXT,
    binding TEXT,
    publication_date TEXT,
    image_id TEXT,
    category_root TEXT,
    category_sub TEXT,
    package_weight_g INTEGER,
    updated_at INTEGER NOT NULL
);

CREATE TABLE deals (
    -- AUTOINCREMENT: ids are never reused after the janitor deletes a row, so `max_id` only grows.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asin TEXT NOT NULL UNIQUE REFERENCES products(asin) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('keepa', 'demo')),
    deal_found_at INTEGER,
    last_seen_at INTEGER NOT NULL,
    last_price_change_at INTEGER,
    keepa_last_update_km INTEGER,
    analyzed_at INTEGER NOT NULL,
    -- the buy offer (DOMAIN §4.2): landed price = item + seller shipping
    price_now_cents INTEGER,
    shipping_included INTEGER NOT NULL DEFAULT 0,
    condition TEXT CHECK (condition IN ('new', 'used_like_new', 'used_very_good', 'used_good',
        'used_acceptable', 'refurbished', 'collectible_like_new', 'collectible_very_good',
        'collectible_good', 'collectible_acceptable')),
    seller_id TEXT,
    seller_name TEXT,
    seller_quality REAL,
    is_fba INTEGER,
    -- rank and offers (DOMAIN §4.7)
    sales_rank INTEGER,
    sales_rank_avg180 INTEGER,
    sales_rank_avg365 INTEGER,
    drops30 INTEGER,
    drops180 INTEGER,
    drops365 INTEGER,
    used_offers_now INTEGER,
    used_offers_avg30 REAL,
    used_offers_avg180 REAL,
    used_offers_avg365 REAL,
    new_offers_now INTEGER,
    amazon_selling INTEGER NOT NULL DEFAULT 0,
    amazon_price_cents INTEGER,
    -- prices from inferred sales (DOMAIN §4.3-§4.6)
    one_year_avg_cents INTEGER,
    percent_down REAL,
    trend TEXT CHECK (trend IN ('up', 'down', 'flat')),
    recent_sale_cents INTEGER,
    peak_month INTEGER CHECK (peak_month BETWEEN 1 AND 12),
    trough_month INTEGER CHECK (trough_month BETWEEN 1 AND 12),
    list_at_cents INTEGER,
    list_at_source TEXT CHECK (list_at_source IN ('inferred', 'inferred_sparse', 'none')),
    list_at_check TEXT CHECK (list_at_check IN ('accepted', 'capped', 'rules', 'ai')),
    expected_trough_cents INTEGER,
    seasonality TEXT,
    seasonality_source TEXT CHECK (seasonality_source IN ('keywords', 'ai', 'default')),
    sells_window TEXT,
    -- trust (DOMAIN §4.8)
    deal_trust REAL,
    inferred_sales_count INTEGER,
    offer_drops_count INTEGER,
    -- fee inputs for the per-user economics (DOMAIN §4.1)
    fba_fee_cents INTEGER,
    referral_fee_pct REAL,
    -- a deal is worth showing only with a known resale price and sale history (DOMAIN §5.1)
    complete INTEGER GENERATED ALWAYS AS (
        list_at_cents > 0 AND one_year_avg_cents > 0 AND price_now_cents > 0) VIRTUAL
);
CREATE INDEX deals_complete_rank ON deals (complete, sales_rank);
CREATE INDEX deals_last_seen ON deals (last_seen_at);
CREATE INDEX deals_source ON deals (source);

-- Compact, downsampled price and rank history per product for the dashboard chart
-- (JSON produced by the domain crate's history module), written with each full analysis.
CREATE TABLE price_history (
    asin TEXT PRIMARY KEY REFERENCES products(asin) ON DELETE CASCADE,
    history_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The inferred sales behind List at and the 1-year average (for the chart and debugging).
CREATE TABLE sale_events (
    asin TEXT NOT NULL REFERENCES products(asin) ON DELETE CASCADE,
    event_at INTEGER NOT NULL,
    price_cents INTEGER NOT NULL,
    offer_type TEXT NOT NULL CHECK (offer_type IN ('new', 'used')),
    origin TEXT NOT NULL CHECK (origin IN ('algorithm', 'ai')),
    is_outlier INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (asin, event_at, offer_type)
);
