//! The job's settings, read from Spin variables on every run so an operator changes pacing
//! without a rebuild. Defaults (in spin.toml) are DOMAIN §3.3–§3.6's production values; `auto`
//! sizes follow Keepa's refill rate as the original did.

use std::time::Duration;

use domain::config::AnalysisConfig;

use crate::assistant::AiLimits;
use domain::time::hours;
use spin_sdk::variables;

/// Where the rows come from, stored in `deals.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSource {
    Keepa,
    /// The mock Keepa of `scripts/up` without a key: rows are labelled demo data.
    Demo,
}

impl DataSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DataSource::Keepa => "keepa",
            DataSource::Demo => "demo",
        }
    }
}

#[derive(Clone, Debug)]
pub struct IngestConfig {
    pub api_key: String,
    pub base_url: String,
    pub timeout: Duration,
    pub min_call_interval: Duration,
    pub source: DataSource,
    /// `None` = by refill rate (§3.3 step 3).
    pub new_deal_cap: Option<usize>,
    /// `None` = by refill rate (§3.3 step 7).
    pub scan_batch_size: Option<usize>,
    pub commit_batch_size: usize,
    pub max_pages: u32,
    /// Wall time one run may use; well under the 5-minute schedule so runs never overlap.
    pub max_run_time: Duration,
    pub analysis: AnalysisConfig,
    /// Limits on the AI questions of the analysis (the provider itself is `llm_*`).
    pub ai: AiLimits,
}

impl IngestConfig {
    pub fn from_variables() -> Result<IngestConfig, String> {
        let mut analysis = AnalysisConfig::default();
        let policy = &mut analysis.ingest;
        policy.tokens.max_deficit = number("keepa_max_deficit")?;
        policy.tokens.min_start_balance = number("keepa_min_start_balance")?;
        policy.stale_rescue.stale_after = hours(number("ingest_stale_after_hours")?);
        policy.stale_rescue.max_per_run = number("ingest_stale_per_run")?;
        policy.janitor.max_unseen = hours(number("ingest_janitor_after_hours")?);
        Ok(IngestConfig {
            api_key: text("keepa_api_key")?,
            base_url: text("keepa_base_url")?,
            timeout: Duration::from_secs(number("keepa_timeout_secs")?),
            min_call_interval: Duration::from_millis(number("keepa_min_call_interval_ms")?),
            source: match text("ingest_data_source")?.as_str() {
                "keepa" => DataSource::Keepa,
                "demo" => DataSource::Demo,
                other => return Err(format!("ingest_data_source must be `keepa` or `demo`, not `{other}`")),
            },
            new_deal_cap: auto_or_number("ingest_new_deal_cap")?,
            scan_batch_size: auto_or_number("ingest_scan_batch_size")?,
            commit_batch_size: number::<usize>("ingest_commit_batch_size")?.clamp(1, 100),
            max_pages: number("ingest_max_pages")?,
            max_run_time: Duration::from_secs(number("ingest_max_run_secs")?),
            analysis,
            ai: AiLimits {
                max_calls: number("ingest_ai_max_calls")?,
                timeout: Duration::from_secs(number::<u64>("ingest_ai_timeout_secs")?.max(1)),
                daily_budget: number("ingest_ai_daily_budget")?,
            },
        })
    }

    pub fn new_deal_cap(&self, refill_rate_per_min: f64) -> usize {
        self.new_deal_cap.unwrap_or_else(|| self.analysis.ingest.new_deal_cap(refill_rate_per_min))
    }

    /// Deals per chunk (one peek call): 50, fewer when Keepa refills slowly (§3.3 step 7).
    pub fn scan_batch_size(&self, refill_rate_per_min: f64) -> usize {
        self.scan_batch_size.unwrap_or(match refill_rate_per_min {
            rate if rate < 10.0 => 1,
            rate if rate < 20.0 => 20,
            rate if rate < 30.0 => 15,
            _ => 50,
        })
    }
}

fn text(name: &str) -> Result<String, String> {
    variables::get(name).map_err(|error| format!("variable {name}: {error}"))
}

fn number<T: std::str::FromStr>(name: &str) -> Result<T, String> {
    let value = text(name)?;
    value.trim().parse().map_err(|_| format!("variable {name}: `{value}` is not a valid number"))
}

fn auto_or_number(name: &str) -> Result<Option<usize>, String> {
    if text(name)?.trim() == "auto" { Ok(None) } else { number(name).map(Some) }
}
