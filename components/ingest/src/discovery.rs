//! Deal discovery (DOMAIN §3.3 steps 4–7): walk the `/deal` pages of the admin's selection in a
//! resumable *pass*.
//!
//! Keepa's pages are not sorted by `lastUpdate` (§3.1, §8 item 19) and change while they are
//! walked, so a pass keeps a fixed watermark, reads every page until an empty one (or the page
//! limit), filters deal by deal, and records each handled deal in `ingest_pass_seen` in the same
//! transaction as its rows. A resumed or repeated page therefore skips what was done. When the
//! pass ends, the next watermark is the pass's start minus [`KEEPA_CACHE_MARGIN`], so deals that
//! changed while the pass ran are picked up by the next one: no gaps.
//!
//! Each chunk of a page: light refresh of deals already stored, a cheap peek of new ones, full
//! history for those the peek finds promising (sub-batches of 5), their sellers, the analysis
//! (its AI questions asked for a few deals at a time, outside any transaction), then one
//! transaction. Out of tokens mid-chunk, what is complete is written and the run stops.
//!
//! A stored deal whose last analysis left an AI question unanswered (budget, cap or provider
//! failure: a `*_quota` or `*_error` path) is analysed again in full instead of refreshed, when
//! Keepa lists it again and the provider can be asked: otherwise a day without budget would
//! leave its figures on the non-AI path for as long as it stays a deal. At most once per
//! [`REASK_AFTER`], so that questions the provider keeps failing cannot take every run's share.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use domain::analysis::{Analysis, analyze_assisted, market_snapshot};
use domain::config::AnalysisConfig;
use domain::time::UnixSeconds;
use futures::StreamExt;
use domain::ingest::{KeepaCall, PeekVerdict, deals_after, peek_verdict, watermark_to_save, watermark_to_scan_from};
use domain::keepa::{Deal, Product, Seller};
use keepa_client::ingest_state::{self, DISCOVERY, Discovery, Pass, RunOutcome};
use keepa_client::{CallError, DbError, ProductBatch, ProductDetail, TokenStop, deal_query, now};
use sqlite_kit::transaction;

use crate::assistant::IngestAssistant;
use crate::run::Context;
use crate::store::{self, AnalyzedDeal, Handled, StoredDeals};

/// Keepa caches `/deal` answers ~120 s; deals updated this long before a pass began are scanned
/// again by the next pass rather than risk missing them.
const KEEPA_CACHE_MARGIN: Duration = Duration::from_secs(10 * 60);

/// How long after an analysis that left AI questions unanswered the deal may be analysed again.
const REASK_AFTER: Duration = Duration::from_secs(60 * 60);

/// Analyses waiting on the AI provider at once: a slow answer holds up its own deal, not the
/// batch, without hitting the provider with a whole chunk at the same moment.
const AI_CONCURRENCY: usize = 4;

pub fn discover(cx: &mut Context) -> Result<RunOutcome, CallError> {
    let (selection, _) = deal_query::load(cx.db)?;
    let mut discovery: Discovery = ingest_state::read(cx.db, DISCOVERY)?.unwrap_or_default();
    let rate = cx.session.budget().bucket.refill_rate_per_min;
    let mut cap_left = cx.config.new_deal_cap(rate);
    loop {
        let pass = match discovery.pass {
            Some(pass) => pass,
            None => start_pass(cx, &mut discovery)?,
        };
        if pass.page >= cx.config.max_pages {
            finish_pass(cx, &mut discovery, pass)?;
            return Ok(RunOutcome::Completed);
        }
        if Instant::now() >= cx.deadline {
            return Ok(RunOutcome::StoppedForTime);
        }
        let page = cx.session.deals(&selection, pass.page)?;
        cx.report.pages_scanned += 1;
        if page.deals.is_empty() {
            finish_pass(cx, &mut discovery, pass)?;
            return Ok(RunOutcome::Completed);
        }
        let fresh = deals_after(&page.deals, pass.scan_from);
        let asins: Vec<&str> = fresh.iter().map(|deal| deal.asin.as_str()).collect();
        let seen = store::seen_in_pass(cx.db, &asins)?;
        let todo: Vec<&Deal> =
            fresh.into_iter().filter(|deal| seen.get(&deal.asin).is_none_or(|at| deal.last_update > Some(*at))).collect();
        let existing = store::existing_deals(cx.db, &todo.iter().map(|deal| deal.asin.as_str()).collect::<Vec<_>>(), now() - REASK_AFTER)?;
        let mut rest = todo.as_slice();
        while !rest.is_empty() {
            if Instant::now() >= cx.deadline {
                return Ok(RunOutcome::StoppedForTime);
            }
            let chunk = next_chunk(cx, rest, &existing, cap_left);
            if chunk.is_empty() {
                return Ok(RunOutcome::StoppedAtCap);
            }
            rest = &rest[chunk.len()..];
            cap_left -= chunk.iter().filter(|deal| !existing.contains(&deal.asin)).count();
            if let Some(stop) = process_chunk(cx, chunk, &existing)? {
                return Err(CallError::Tokens(stop));
            }
        }
        let pass = discovery.pass.as_mut().expect("a pass is in progress");
        pass.page += 1;
        ingest_state::write(cx.db, DISCOVERY, &discovery, now())?;
    }
}

/// The next deals to handle together: one peek's worth that the budget allows, holding no more
/// new deals than the run's cap has left.
fn next_chunk<'d, 'a>(cx: &Context, rest: &'d [&'a Deal], existing: &StoredDeals, cap_left: usize) -> &'d [&'a Deal] {
    let budget = cx.session.budget();
    let wanted = cx.config.scan_batch_size(budget.bucket.refill_rate_per_min);
    let size = budget.max_batch(KeepaCall::Peek, now(), wanted).clamp(1, wanted).min(rest.len());
    let mut new_deals = 0;
    let fits = rest[..size]
        .iter()
        .take_while(|deal| {
            if !existing.contains(&deal.asin) {
                new_deals += 1;
            }
            new_deals <= cap_left
        })
        .count();
    &rest[..fits]
}

/// What a chunk produced, before it is written.
#[derive(Default)]
struct ChunkResult<'a> {
    refreshed: Vec<(Product, &'a Deal)>,
    analyzed: Vec<(Product, &'a Deal)>,
    /// Stored deals among `analyzed`, analysed again for their unanswered AI questions.
    reanalyzed: HashSet<&'a str>,
    rejected: Vec<&'a Deal>,
    /// Deals already stored that Keepa did not return: nothing to refresh, done for this pass.
    unchanged: Vec<&'a Deal>,
}

/// Handles one chunk and writes it; `Some(stop)` when tokens ran out part-way (what was complete
/// is written, the rest is retried by the next run).
fn process_chunk(cx: &mut Context, chunk: &[&Deal], existing: &StoredDeals) -> Result<Option<TokenStop>, CallError> {
    let (stored, new): (Vec<&Deal>, Vec<&Deal>) = chunk.iter().partition(|deal| existing.contains(&deal.asin));
    // The ledger is read only when a stored deal of this chunk waits for an answer.
    let reask = stored.iter().any(|deal| existing.unanswered.contains(&deal.asin)) && cx.assistant.can_ask();
    let (reanalyze, stored): (Vec<&Deal>, Vec<&Deal>) = stored.into_iter().partition(|deal| reask && existing.unanswered.contains(&deal.asin));
    let mut result = ChunkResult { reanalyzed: reanalyze.iter().map(|deal| deal.asin.as_str()).collect(), ..ChunkResult::default() };
    if !stored.is_empty() {
        let mut products = readable(cx.session.products(&asins(&stored), ProductDetail::Light)?);
        for deal in stored {
            match products.remove(&deal.asin) {
                Some(product) => result.refreshed.push((product, deal)),
                None => result.unchanged.push(deal),
            }
        }
    }
    let mut promising = reanalyze;
    if !new.is_empty() {
        let peeked = readable(cx.session.products(&asins(&new), ProductDetail::Peek)?);
        for deal in new {
            let verdict = peeked.get(&deal.asin).and_then(|product| product.stats.as_ref()).map(|stats| peek_verdict(stats, &cx.config.analysis.ingest.peek));
            match verdict {
                Some(PeekVerdict::Fetch { .. }) => promising.push(deal),
                _ => result.rejected.push(deal),
            }
        }
    }
    let mut stop = None;
    for batch in promising.chunks(cx.config.commit_batch_size) {
        match cx.session.products(&asins(batch), ProductDetail::Full) {
            Ok(response) => {
                let mut products = readable(response);
                for deal in batch {
                    match products.remove(&deal.asin) {
                        Some(product) => result.analyzed.push((product, *deal)),
                        None => result.rejected.push(deal),
                    }
                }
            }
            Err(CallError::Tokens(token_stop)) => {
                stop = Some(token_stop);
                break;
            }
            Err(error) => return Err(error),
        }
    }
    write_chunk(cx, result)?;
    Ok(stop)
}

/// Analyses the full products, fetches their sellers and writes the chunk in one transaction.
fn write_chunk(cx: &mut Context, result: ChunkResult) -> Result<(), CallError> {
    let at = now();
    let config = &cx.config.analysis;
    let mut rejected = result.rejected;
    // No used or new price: nothing to buy, the deal is dropped (§4.2 step 1) before any AI question.
    let (buyable, unbuyable): (Vec<_>, Vec<_>) =
        result.analyzed.iter().partition(|(product, _)| market_snapshot(product, at, config).buy_offer.is_some());
    rejected.extend(unbuyable.into_iter().map(|(_, deal)| *deal));
    let analyses: Vec<(&Product, &Deal, Analysis)> = buyable
        .iter()
        .zip(analyze_batch(&cx.assistant, &buyable, at, config))
        .map(|((product, deal), analysis)| (product, *deal, analysis))
        .collect();
    let sellers = fetch_sellers(cx, &analyses)?;
    let source = cx.config.source.as_str();
    transaction(cx.db, |db| {
        for (product, deal) in &result.refreshed {
            store::refresh(db, at, product, Some(deal), config)?;
            store::mark_seen(db, deal, Handled::Refreshed)?;
        }
        for deal in &result.unchanged {
            store::mark_seen(db, deal, Handled::Refreshed)?;
        }
        for (product, deal, analysis) in &analyses {
            let seller = analysis.market.buy_offer.as_ref().and_then(|offer| offer.seller_id.as_ref()).and_then(|id| sellers.get(id));
            store::upsert_analyzed(db, source, at, &AnalyzedDeal { deal, product, analysis, seller }, config)?;
            store::mark_seen(db, deal, Handled::Stored)?;
        }
        for deal in &rejected {
            store::mark_seen(db, deal, Handled::Rejected)?;
        }
        Ok::<_, DbError>(())
    })?;
    let reanalyzed = analyses.iter().filter(|(_, deal, _)| result.reanalyzed.contains(deal.asin.as_str())).count();
    cx.report.deals_updated += result.refreshed.len() as u32;
    cx.report.deals_reanalyzed += reanalyzed as u32;
    cx.report.deals_added += (analyses.len() - reanalyzed) as u32;
    cx.report.deals_rejected += rejected.len() as u32;
    Ok(())
}

/// The analyses of `products`, in order, with their AI questions in flight [`AI_CONCURRENCY`]
/// at a time (Spin's executor; without a provider every question is answered at once).
fn analyze_batch(assistant: &IngestAssistant, products: &[&(Product, &Deal)], at: UnixSeconds, config: &AnalysisConfig) -> Vec<Analysis> {
    let analyses = products.iter().map(|(product, _)| analyze_assisted(product, at, config, assistant));
    spin_sdk::http::run(futures::stream::iter(analyses).buffered(AI_CONCURRENCY).collect())
}

/// The winning sellers' names and ratings in one `/seller` call; without tokens the deals are
/// stored without them rather than not at all.
fn fetch_sellers(cx: &mut Context, analyses: &[(&Product, &Deal, Analysis)]) -> Result<HashMap<String, Seller>, CallError> {
    let mut ids: Vec<String> =
        analyses.iter().filter_map(|(_, _, analysis)| analysis.market.buy_offer.as_ref()?.seller_id.clone()).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    match cx.session.sellers(&ids) {
        Ok(response) => Ok(response.sellers.into_iter().map(|seller| (seller.id.clone(), seller)).collect()),
        Err(CallError::Tokens(_)) => Ok(HashMap::new()),
        Err(error) => Err(error),
    }
}

/// A new pass is saved before its first page, so its start time (the next watermark) survives
/// a run that stops inside it.
fn start_pass(cx: &Context, discovery: &mut Discovery) -> Result<Pass, CallError> {
    let at = now();
    let pass = Pass { started_at: at, scan_from: watermark_to_scan_from(discovery.watermark, at), page: 0 };
    discovery.pass = Some(pass);
    ingest_state::write(cx.db, DISCOVERY, discovery, at)?;
    Ok(pass)
}

fn finish_pass(cx: &mut Context, discovery: &mut Discovery, pass: Pass) -> Result<(), CallError> {
    let at = now();
    discovery.watermark = Some(watermark_to_save(pass.started_at - KEEPA_CACHE_MARGIN, at));
    discovery.pass = None;
    transaction(cx.db, |db| {
        store::clear_pass(db)?;
        ingest_state::write(db, DISCOVERY, discovery, at)
    })?;
    Ok(())
}

fn asins(deals: &[&Deal]) -> Vec<String> {
    deals.iter().map(|deal| deal.asin.clone()).collect()
}

/// The batch's products by ASIN; an unreadable one is logged and left out, so its deal is
/// rejected for this pass instead of failing the batch again and again.
fn readable(batch: ProductBatch) -> HashMap<String, Product> {
    for (asin, error) in &batch.unreadable {
        println!("ingest: Keepa product {asin} is unreadable, skipped: {error}");
    }
    batch.products.into_iter().map(|product| (product.asin.clone(), product)).collect()
}
