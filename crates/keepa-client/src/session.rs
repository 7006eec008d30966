//! A Keepa client whose every call goes through the token budget: reserve the estimate (or stop
//! with the reason), pace, send, learn Keepa's balance and the real cost — from failed calls too —
//! and save the bucket, so a killed run loses at most one call's accounting.

use std::fmt;
use std::time::{Duration, Instant};

use domain::ingest::KeepaCall;
use domain::keepa::{DealResponse, SellerResponse, TokenStatus};
use serde_json::Value;
use spin_sdk::sqlite::Connection;

use crate::sql::{DbError, now};
use crate::client::ProductBatch;
use crate::{KeepaClient, KeepaFailure, ProductDetail, TokenBudget, TokenStop};

#[derive(Debug)]
pub enum CallError {
    /// Not enough tokens: the run should record this and end; nothing failed.
    Tokens(TokenStop),
    /// Keepa failed; the caller backs off.
    Keepa(KeepaFailure),
    Db(DbError),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Tokens(stop) => write!(f, "not enough Keepa tokens ({:.0} left)", stop.tokens_left),
            CallError::Keepa(failure) => write!(f, "{failure}"),
            CallError::Db(error) => write!(f, "database error: {error}"),
        }
    }
}

impl From<DbError> for CallError {
    fn from(error: DbError) -> Self {
        CallError::Db(error)
    }
}

pub struct KeepaSession<'a> {
    client: KeepaClient,
    budget: TokenBudget,
    db: &'a Connection,
    /// Minimum spacing between two calls (§3.5: 1 s).
    min_interval: Duration,
    last_call: Option<Instant>,
    calls: u32,
}

impl<'a> KeepaSession<'a> {
    pub fn new(client: KeepaClient, budget: TokenBudget, db: &'a Connection, min_interval: Duration) -> Self {
        KeepaSession { client, budget, db, min_interval, last_call: None, calls: 0 }
    }

    pub fn budget(&self) -> &TokenBudget {
        &self.budget
    }

    /// Calls sent so far (for the run report).
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// `/token` (free): Keepa's balance replaces the local one. Never throttled, so a starved
    /// bucket can always learn the truth (§8 item 3).
    pub fn sync(&mut self) -> Result<TokenStatus, CallError> {
        self.pace();
        let status = self.client.token_status();
        let at = now();
        if let Some(status) = status.as_ref().ok().or(status.as_ref().err().and_then(KeepaFailure::tokens)) {
            self.budget.sync(status, at);
        }
        self.budget.save(self.db, at)?;
        status.map_err(CallError::Keepa)
    }

    pub fn deals(&mut self, selection: &Value, page: u32) -> Result<DealResponse, CallError> {
        self.metered(KeepaCall::DealPage, 1, |client| client.deals(selection, page), |response| response.tokens.as_ref())
    }

    /// `/product`; a [`ProductDetail::Full`] call is billed as a commit, the others as peeks.
    pub fn products(&mut self, asins: &[String], detail: ProductDetail) -> Result<ProductBatch, CallError> {
        let call = if detail == ProductDetail::Full { KeepaCall::Commit } else { KeepaCall::Peek };
        self.metered(call, asins.len(), |client| client.products(asins, detail), |response| response.tokens.as_ref())
    }

    pub fn sellers(&mut self, seller_ids: &[String]) -> Result<SellerResponse, CallError> {
        self.metered(KeepaCall::Seller, seller_ids.len(), |client| client.sellers(seller_ids), |response| response.tokens.as_ref())
    }

    fn metered<T>(
        &mut self,
        call: KeepaCall,
        asins: usize,
        send: impl FnOnce(&KeepaClient) -> Result<T, KeepaFailure>,
        tokens: impl Fn(&T) -> Option<&TokenStatus>,
    ) -> Result<T, CallError> {
        self.budget.reserve(call, asins, now()).map_err(CallError::Tokens)?;
        self.pace();
        let result = send(&self.client);
        let at = now();
        match &result {
            Ok(answer) => self.budget.settle(call, asins, tokens(answer), at),
            // A failed call's `tokensConsumed` says nothing about the call's normal cost.
            Err(failure) => {
                if let Some(status) = failure.tokens() {
                    self.budget.sync(status, at);
                }
            }
        }
        self.budget.save(self.db, at)?;
        result.map_err(CallError::Keepa)
    }

    fn pace(&mut self) {
        if let Some(last) = self.last_call {
            let since = last.elapsed();
            if since < self.min_interval {
                std::thread::sleep(self.min_interval - since);
            }
        }
        self.last_call = Some(Instant::now());
        self.calls += 1;
    }
}
