//! `runtime` — runs this project's Spin application locally, the way `spin up` would.
//!
//! `runtime up` migrates the database, loads `spin.toml`, and serves its HTTP and cron triggers;
//! `runtime migrate` only applies the migrations (the step to run before real `spin up`).

mod app;
mod background_priority;
mod backup;
mod bindings;
mod component_log;
mod engine;
mod key_value;
mod malloc_arena;
mod manifest;
mod metrics;
mod migrate;
mod oldest_first;
mod outbound_http;
mod routes;
mod runtime_config;
mod sqlite;
mod trigger_cron;
mod trigger_http;
mod variables;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "runtime", version, about = "Local Spin-compatible runtime for this app")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, then serve the app's HTTP and cron triggers.
    Up(UpArgs),
    /// Apply pending migrations to the `default` database and exit.
    Migrate(StoreArgs),
    /// Write a consistent backup of the database and key-value store (works while the app serves).
    Backup(BackupArgs),
    /// Replace the database and key-value store with a backup (refused while the app is up).
    Restore(BackupArgs),
}

#[derive(Args)]
struct BackupArgs {
    /// The backup file.
    file: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args)]
struct StoreArgs {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    manifest: PathBuf,
    /// Directory for the default SQLite and key-value files, the component logs and the compile
    /// cache; default `.spin` beside the manifest, where Spin keeps a local app's state.
    #[arg(long = "state-dir", value_name = "STATE_DIR")]
    state_dir_flag: Option<PathBuf>,
    /// Spin runtime-config.toml (store locations, `block_networks`).
    #[arg(long)]
    runtime_config_file: Option<PathBuf>,
    /// Migrations directory (default: `migrations` next to the manifest).
    #[arg(long)]
    migrations: Option<PathBuf>,
}

impl StoreArgs {
    fn state_dir(&self) -> PathBuf {
        self.state_dir_flag.clone().unwrap_or_else(|| manifest_dir(&self.manifest).join(".spin"))
    }
}

#[derive(Args)]
struct UpArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address to serve on; port 0 picks a free port (printed on start-up).
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: String,
    /// Time limit for one request, including streaming the response body.
    #[arg(long, default_value_t = 60)]
    request_timeout_secs: u64,
    /// Largest request body accepted.
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_body_bytes: usize,
    /// Concurrent component instances the pooling allocator has room for.
    #[arg(long, default_value_t = 2500)]
    max_instances: u32,
    /// Largest linear memory of one instance, in MiB.
    #[arg(long, default_value_t = 128)]
    max_instance_memory_mib: usize,
    /// Fire every cron component once at start-up, then follow the schedule.
    #[arg(long)]
    cron_at_start: bool,
    /// Time limit for one cron run.
    #[arg(long, default_value_t = 600)]
    cron_timeout_secs: u64,
    /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
    #[arg(long, default_value_t = 30)]
    shutdown_grace_secs: u64,
    /// Seconds after its last use an outbound connection expires; the pool closes expired
    /// connections once per this interval.
    #[arg(long, default_value_t = 30)]
    outbound_idle_timeout_secs: u64,
    /// Most requests one HTTP component runs at once, e.g. `auth=4` for CPU- and memory-heavy
    /// password hashing; excess requests wait in the host. Repeatable; unlimited when not given.
    #[arg(long = "max-concurrency", value_name = "COMPONENT=N", value_parser = parse_concurrency_limit)]
    max_concurrency: Vec<(String, usize)>,
    /// Serve Prometheus metrics at http://ADDR/metrics (off unless given; keep it off the public port).
    #[arg(long)]
    metrics_listen: Option<String>,
    /// Directory for the components' stdout and stderr (`COMPONENT_stdout.txt`, `COMPONENT_stderr.txt`),
    /// as `spin up --log-dir`; default `STATE_DIR/logs`, an empty value writes no files.
    #[arg(short = 'L', long, env = "SPIN_LOG_DIR")]
    log_dir: Option<std::ffi::OsString>,
    /// Empty the components' log files before serving.
    #[arg(long)]
    truncate_logs: bool,
    /// Echo the output of only these components on stderr (repeatable; default: all of them).
    #[arg(long = "follow", value_name = "COMPONENT", conflicts_with = "quiet")]
    follow: Vec<String>,
    /// Echo no component's output on stderr (the log files still get it).
    #[arg(short = 'q', long)]
    quiet: bool,
}

impl UpArgs {
    fn log_options(&self, state_dir: &Path) -> component_log::LogOptions {
        let dir = match &self.log_dir {
            Some(dir) if dir.is_empty() => None,
            Some(dir) => Some(PathBuf::from(dir)),
            None => Some(state_dir.join("logs")),
        };
        let follow = match (self.quiet, self.follow.is_empty()) {
            (true, _) => component_log::Follow::None,
            (false, true) => component_log::Follow::All,
            (false, false) => component_log::Follow::Named(self.follow.iter().cloned().collect()),
        };
        component_log::LogOptions { dir, follow, truncate: self.truncate_logs }
    }
}

fn main() -> Result<()> {
    malloc_arena::use_one();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,wasmtime_wasi_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .init();
    match Cli::parse().command {
        Command::Up(args) => up(args),
        Command::Migrate(args) => {
            let runtime = tokio::runtime::Runtime::new()?;
            match runtime.block_on(migrate(&args))? {
                Some(version) => println!("database migrated to version {version}"),
                None => println!("no migrations directory; nothing to do"),
            }
            Ok(())
        }
        Command::Backup(args) => {
            let (database, key_value) = store_files(&args.store)?;
            backup::backup(&database, &key_value, &args.file)?;
            println!("backup written to {}", args.file.display());
            Ok(())
        }
        Command::Restore(args) => {
            let state_dir = args.store.state_dir();
            let _lock = backup::StateLock::acquire(&state_dir)?;
            let (database, key_value) = store_files(&args.store)?;
            backup::restore(&args.file, &database, &key_value)?;
            println!("restored {} into {}", args.file.display(), state_dir.display());
            Ok(())
        }
    }
}

/// The files behind SQLite `default` and key-value `default`.
fn store_files(args: &StoreArgs) -> Result<(PathBuf, PathBuf)> {
    let config = runtime_config::RuntimeConfig::load(&args.state_dir(), args.runtime_config_file.as_deref())?;
    Ok((config.sqlite_databases["default"].clone(), config.key_value_stores["default"].clone()))
}

/// Applies the migrations; an app without a `migrations` directory (and no `--migrations`) has none.
async fn migrate(args: &StoreArgs) -> Result<Option<i64>> {
    let (database, _) = store_files(args)?;
    let migrations = match &args.migrations {
        Some(dir) => dir.clone(),
        None => {
            let beside_manifest = manifest_dir(&args.manifest).join("migrations");
            if !beside_manifest.is_dir() {
                return Ok(None);
            }
            beside_manifest
        }
    };
    migrate::run(&database, &migrations).await.map(Some)
}

fn manifest_dir(manifest: &Path) -> PathBuf {
    manifest.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn up(args: UpArgs) -> Result<()> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let listener = runtime
        .block_on(trigger_http::bind(&args.listen))
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    let state_dir = args.store.state_dir();
    let _lock = backup::StateLock::acquire(&state_dir)?;
    runtime.block_on(migrate(&args.store))?;
    let app = Arc::new(app::App::load(&app::LoadOptions {
        manifest: args.store.manifest.clone(),
        state_dir: state_dir.clone(),
        runtime_config_file: args.store.runtime_config_file.clone(),
        pool_sizes: engine::PoolSizes {
            instances: args.max_instances,
            max_memory_bytes: args.max_instance_memory_mib << 20,
        },
        self_authority: address.to_string(),
        concurrency_limits: args.max_concurrency.iter().cloned().collect(),
        outbound_idle_timeout: Duration::from_secs(args.outbound_idle_timeout_secs),
        logs: args.log_options(&state_dir),
    })?);
    engine::start_epoch_ticker(&app.engine);
    if let Some(listen) = args.metrics_listen.clone() {
        runtime.spawn(async move {
            if let Err(error) = metrics::serve(&listen, state_dir).await {
                tracing::error!(error = format!("{error:#}"), "metrics endpoint failed");
            }
        });
    }
    let (stop_cron, cron_stopped) = tokio::sync::watch::channel(false);
    let cron_options = trigger_cron::CronOptions {
        run_at_start: args.cron_at_start,
        run_timeout: Duration::from_secs(args.cron_timeout_secs),
    };
    let cron_thread = trigger_cron::start(app.clone(), cron_options, cron_stopped);
    let limits = trigger_http::HttpLimits {
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        max_body_bytes: args.max_body_bytes,
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
    };
    println!("listening on http://{address}");
    print_available_routes(&app, address);
    tracing::info!(app = %app.name, %address, startup_ms = started.elapsed().as_millis() as u64, "serving");
    runtime.block_on(trigger_http::serve(app, listener, limits, shutdown_signal()))?;
    let _ = stop_cron.send(true);
    let _ = cron_thread.join();
    tracing::info!("stopped");
    Ok(())
}

/// The routes a user can open, one per line, as `spin up` prints them after its address.
fn print_available_routes(app: &app::App, address: std::net::SocketAddr) {
    println!("Available Routes:");
    for (route, component) in app.router.routes() {
        println!("  {}: http://{address}{}", component.context.id, route.listing());
    }
}

/// `COMPONENT=N` with N ≥ 1.
fn parse_concurrency_limit(text: &str) -> Result<(String, usize), String> {
    let (component, limit) = text.split_once('=').ok_or("expected COMPONENT=N")?;
    match limit.parse::<usize>() {
        Ok(limit) if limit > 0 => Ok((component.to_string(), limit)),
        _ => Err(format!("`{limit}` is not a positive number")),
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}
