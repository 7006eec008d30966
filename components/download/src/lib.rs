//! `GET /download/deals.csv`: the deals of the current filters and sort (same parameters as
//! `/api/deals`, no paging) as an RFC 4180 CSV with a header row of the API's field keys,
//! generated from the database on request (DOMAIN §5.8 [REWRITE]) and streamed in chunks so
//! that a large export never sits in memory whole.
//!
//! The route is a download link on a page, so an expired session is sent to the login page.

mod csv_rows;

use accounts::{Audience, User};
use deals_query::{Params, Statement, sql};
use futures::SinkExt;
use spin_sdk::http::{Fields, Method, OutgoingResponse, Request, Response, ResponseOutparam};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

/// Deals read per query while streaming.
const CHUNK_ROWS: i64 = 1000;

#[http_component]
async fn handle(request: Request, response_out: ResponseOutparam) {
    match prepare(&request) {
        Ok((db, user, export)) => stream(db, &user, &export, response_out).await,
        Err(refusal) => send_whole(refusal, response_out).await,
    }
}

/// What to export: the parsed filters and sort.
struct Export {
    filters: deals_query::Filters,
    sort: deals_query::Sort,
}

/// Checks method, path, session and parameters before any byte of CSV is sent.
fn prepare(request: &Request) -> Result<(Connection, User, Export), Response> {
    if *request.method() != Method::Get {
        return Err(http_kit::method_not_allowed("GET"));
    }
    if request.header("spin-path-info").and_then(|v| v.as_str()) != Some("/deals.csv") {
        return Err(http_kit::error(404, format!("nothing to download at {}", request.path())));
    }
    let (db, user) = accounts::signed_in(request, Audience::Page)?;
    let params = Params::parse(request.query()).map_err(|e| http_kit::error(400, e.to_string()))?;
    let export = params
        .filters()
        .and_then(|filters| Ok(Export { filters, sort: params.sort()? }))
        .map_err(|e| http_kit::error(400, e.to_string()))?;
    Ok((db, user, export))
}

/// Streams the header row and then the deals chunk by chunk.
async fn stream(db: Connection, user: &User, export: &Export, response_out: ResponseOutparam) {
    let headers = Fields::from_list(&[
        ("content-type".to_owned(), b"text/csv; charset=utf-8".to_vec()),
        ("content-disposition".to_owned(), b"attachment; filename=\"deals.csv\"".to_vec()),
        ("cache-control".to_owned(), b"no-store".to_vec()),
    ])
    .expect("valid headers");
    let response = OutgoingResponse::new(headers);
    let mut body = response.take_body();
    response_out.set(response);
    if body.send(csv_rows::header()).await.is_err() {
        return;
    }
    let mut offset = 0;
    loop {
        let statement: Statement = sql::chunk(&export.filters, &export.sort, &user.settings, offset, CHUNK_ROWS);
        let rows = match deals_query::spin::execute(&db, &statement) {
            Ok(result) => result.rows,
            Err(message) => {
                // Headers are out; the truncated body and this log line are all that can tell.
                eprintln!("deals.csv stopped after {offset} rows: {message}");
                return;
            }
        };
        if rows.is_empty() || body.send(csv_rows::rows(&rows)).await.is_err() {
            return;
        }
        offset += rows.len() as i64;
    }
}

/// Sends a complete (non-streamed) response, e.g. a refusal.
async fn send_whole(mut response: Response, response_out: ResponseOutparam) {
    let body = std::mem::take(response.body_mut());
    if let Ok(outgoing) = OutgoingResponse::try_from(response) {
        let _ = response_out.set_with_body(outgoing, body).await;
    }
}
