//! Prometheus metrics of the host, served on their own listen address (`--metrics-listen`), never on
//! the app's public port.
//!
//! What only the host can see lives here: requests by component, route and status with latency
//! histograms, instances in use, cron runs and their durations, SQLite lock waits, and the disk and
//! memory figures the alert rules in `deploy/alerts.yml` compare against their limits. Application
//! figures (deals, tokens, AI budget) are the `health` component's job.

use crate::engine::INSTANCES_IN_USE;
use anyhow::Result;
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    component: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    component: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CronLabels {
    component: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ComponentLabels {
    component: String,
}

/// Latency buckets from 1 ms to 60 s (the default request time limit).
fn latency_histogram() -> Histogram {
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
}

/// Cron runs take seconds to minutes.
fn cron_histogram() -> Histogram {
    Histogram::new([0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0])
}

struct Metrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    cron_runs: Family<CronLabels, Counter>,
    cron_duration: Family<ComponentLabels, Histogram, fn() -> Histogram>,
    sqlite_busy_retries: Counter,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| Metrics {
    requests: Family::default(),
    latency: Family::new_with_constructor(latency_histogram),
    cron_runs: Family::default(),
    cron_duration: Family::new_with_constructor(cron_histogram),
    sqlite_busy_retries: Counter::default(),
});

/// Counts one HTTP request and its latency.
pub fn record_request(component: &str, route: &str, status: u16, elapsed: Duration) {
    let route_labels = RouteLabels { component: component.to_string(), route: route.to_string() };
    METRICS
        .requests
        .get_or_create(&RequestLabels { component: route_labels.component.clone(), route: route_labels.route.clone(), status })
        .inc();
    METRICS.latency.get_or_create(&route_labels).observe(elapsed.as_secs_f64());
}

/// Counts one cron run and its duration.
pub fn record_cron_run(component: &str, succeeded: bool, elapsed: Duration) {
    let outcome = if succeeded { "ok" } else { "error" };
    METRICS.cron_runs.get_or_create(&CronLabels { component: component.to_string(), outcome }).inc();
    METRICS
        .cron_duration
        .get_or_create(&ComponentLabels { component: component.to_string() })
        .observe(elapsed.as_secs_f64());
}

/// Counts one wait for a SQLite lock held by another connection.
pub fn record_sqlite_busy_retry() {
    METRICS.sqlite_busy_retries.inc();
}

/// Renders every metric in the Prometheus text format.
fn render(state_dir: &Path) -> String {
    let mut registry = Registry::with_prefix("spin_runtime");
    registry.register("http_requests", "HTTP requests by component, route and status", METRICS.requests.clone());
    registry.register(
        "http_request_duration_seconds",
        "HTTP request latency by component and route",
        METRICS.latency.clone(),
    );
    registry.register("cron_runs", "Cron runs by component and outcome", METRICS.cron_runs.clone());
    registry.register("cron_run_duration_seconds", "Cron run duration by component", METRICS.cron_duration.clone());
    registry.register("sqlite_busy_retries", "Waits for a SQLite lock held by another connection", METRICS.sqlite_busy_retries.clone());
    gauge(&mut registry, "instances_in_use", "Component instances alive now", INSTANCES_IN_USE.load(Ordering::Relaxed));
    gauge(&mut registry, "state_dir_bytes", "Bytes used by the state directory", directory_size(state_dir) as i64);
    if let Some((size, available)) = filesystem_space(state_dir) {
        gauge(&mut registry, "state_filesystem_size_bytes", "Size of the file system holding the state directory", size);
        gauge(&mut registry, "state_filesystem_available_bytes", "Free bytes on that file system", available);
    }
    if let Some(rss) = proc_value("/proc/self/status", "VmRSS:") {
        gauge(&mut registry, "process_resident_memory_bytes", "Resident memory of this process", rss * 1024);
    }
    if let (Some(total), Some(available)) =
        (proc_value("/proc/meminfo", "MemTotal:"), proc_value("/proc/meminfo", "MemAvailable:"))
    {
        gauge(&mut registry, "host_memory_total_bytes", "Memory of the machine", total * 1024);
        gauge(&mut registry, "host_memory_available_bytes", "Memory the machine can still give out", available * 1024);
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).expect("writing to a String cannot fail");
    text
}

fn gauge(registry: &mut Registry, name: &str, help: &str, value: i64) {
    let gauge: Gauge = Gauge::default();
    gauge.set(value);
    registry.register(name, help, gauge);
}

/// A `Key:   value kB` line of a /proc file, as a number.
fn proc_value(file: &str, key: &str) -> Option<i64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|line| line.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

fn directory_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => directory_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn filesystem_space(dir: &Path) -> Option<(i64, i64)> {
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a valid C string and `stat` is written by the call before being read.
    let stat = unsafe {
        if libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) != 0 {
            return None;
        }
        stat.assume_init()
    };
    let block = stat.f_frsize as i64;
    Some((stat.f_blocks as i64 * block, stat.f_bavail as i64 * block))
}

/// Serves `GET /metrics` on `listen` until the process exits.
pub async fn serve(listen: &str, state_dir: PathBuf) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(address = %listener.local_addr()?, "metrics at /metrics");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let state_dir = state_dir.clone();
        let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let state_dir = state_dir.clone();
            async move {
                let response = if request.uri().path() == "/metrics" {
                    let body = tokio::task::spawn_blocking(move || render(&state_dir)).await.unwrap_or_default();
                    hyper::Response::builder()
                        .header("content-type", "text/plain; version=0.0.4")
                        .body(Full::new(Bytes::from(body)))
                } else {
                    hyper::Response::builder().status(404).body(Full::new(Bytes::from_static(b"Not Found")))
                };
                Ok::<_, Infallible>(response.expect("valid metrics response"))
            }
        });
        tokio::spawn(async move {
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
