//! Health endpoints, public and always 200 so that monitors read the state from the JSON:
//! `/api/health/live` answers without touching any store (is the process serving?), and
//! `/api/health` reports the database and schema version (is the app usable?) and what the Keepa
//! ingestion is doing (is the data fresh?).

mod ai;
mod ingestion;

use serde::Serialize;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::Connection;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    /// Conditions an operator should act on: `database_unavailable`, `ingestion_stalled`,
    /// `ai_budget_warning`, `ai_budget_exhausted`, `ai_provider_failing`. `status` is `degraded`
    /// when any is present.
    alerts: Vec<&'static str>,
    version: &'static str,
    database: DatabaseHealth,
    ingestion: Option<ingestion::IngestionHealth>,
    ai: ai::AiHealth,
}

#[derive(Serialize)]
struct DatabaseHealth {
    ok: bool,
    migration_version: Option<i64>,
    error: Option<String>,
}

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Get {
        return http_kit::method_not_allowed("GET");
    }
    match request.header("spin-path-info").and_then(|v| v.as_str()).unwrap_or("") {
        "" | "/" => full_health(),
        "/live" => http_kit::json(200, &live()),
        _ => http_kit::no_such_endpoint(request.path()),
    }
}

/// The liveness body: constant, no store access.
fn live() -> LiveBody {
    LiveBody { status: "ok" }
}

#[derive(Serialize)]
struct LiveBody {
    status: &'static str,
}

/// Version, database reachability and the applied migration version.
fn full_health() -> Response {
    let database = database_health();
    let ingestion = if database.ok { Connection::open_default().ok().and_then(|db| ingestion::report(&db).ok()) } else { None };
    let ai = ai::ai_health(Connection::open_default().ok().as_ref());
    let alerts: Vec<&'static str> = [
        (!database.ok).then_some("database_unavailable"),
        ingestion.as_ref().is_some_and(|i| i.stalled).then_some("ingestion_stalled"),
    ]
    .into_iter()
    .flatten()
    .chain(ai.alerts())
    .collect();
    let status = if alerts.is_empty() { "ok" } else { "degraded" };
    http_kit::json(200, &Health { status, alerts, version: env!("CARGO_PKG_VERSION"), database, ingestion, ai })
}

fn database_health() -> DatabaseHealth {
    let result = Connection::open_default().map_err(|e| e.to_string()).and_then(|connection| {
        connection
            .execute("SELECT MAX(version) AS version FROM _sqlx_migrations WHERE success = 1", &[])
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(rows) => DatabaseHealth {
            ok: true,
            migration_version: rows.rows().next().and_then(|row| row.get::<i64>("version")),
            error: None,
        },
        Err(error) => DatabaseHealth { ok: false, migration_version: None, error: Some(error) },
    }
}
