//! The wasmtime engine shared by every trigger: configuration, the on-disk compile cache, the
//! linker with all host capabilities, and the per-instance store data.
//!
//! Every request or cron tick gets a fresh `Store` (Spin's isolation model); what can be shared —
//! compiled code, pre-instantiated components, database pools — is built once here. Instances come
//! from the pooling allocator, so creating one is a few memcpys rather than mmap calls.

use crate::component_log::ComponentOutput;
use crate::key_value::{KeyValueAccess, KeyValueStores};
use crate::manifest::{Component as ComponentDecl, FileMount, Manifest};
use crate::outbound_http::client::OutboundClient;
use crate::outbound_http::{OutboundHooks, OutboundPolicy};
use crate::sqlite::{Databases, SqliteAccess};
use crate::variables::{ComponentVariables, VariableAccess};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, UpdateDeadline};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// How often the epoch ticks; guests yield and deadlines are checked at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Sizes of the pooling allocator (flags of `runtime up`).
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    /// Concurrent component instances (requests plus cron runs in flight).
    pub instances: u32,
    /// Largest linear memory one instance may grow to.
    pub max_memory_bytes: usize,
}

/// Live instance count, for metrics and tests.
pub static INSTANCES_IN_USE: AtomicI64 = AtomicI64::new(0);

/// Builds the engine: async, epoch interruption, pooling allocator.
pub fn build_engine(sizes: PoolSizes) -> Result<Engine> {
    let mut pooling = PoolingAllocationConfig::new();
    pooling
        .total_component_instances(sizes.instances)
        .total_core_instances(sizes.instances.saturating_mul(4))
        .total_memories(sizes.instances.saturating_mul(2))
        .total_tables(sizes.instances.saturating_mul(4))
        .total_stacks(sizes.instances)
        .max_memories_per_component(4)
        .max_tables_per_component(8)
        .max_memory_size(sizes.max_memory_bytes)
        .max_core_instance_size(1 << 20)
        .max_component_instance_size(1 << 20)
        .table_elements(20_000);
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pooling))
        .parallel_compilation(true);
    Engine::new(&config).map_err(anyhow::Error::from)
}

/// Spawns the thread that advances the engine's epoch every [`EPOCH_TICK`].
pub fn start_epoch_ticker(engine: &Engine) {
    let engine = engine.clone();
    std::thread::Builder::new()
        .name("epoch-ticker".into())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
            }
        })
        .expect("spawning the epoch ticker thread");
}

/// Loads a component, reusing machine code compiled by an earlier start when the wasm and the
/// engine settings are unchanged.
pub fn load_component(engine: &Engine, wasm_path: &Path, cache_dir: &Path) -> Result<Component> {
    let wasm = std::fs::read(wasm_path)
        .with_context(|| format!("cannot read component {}", wasm_path.display()))?;
    let cached = cache_dir.join(format!("{}.cwasm", cache_key(engine, &wasm)));
    if cached.exists() {
        // SAFETY: the file was written by `Component::serialize` of this same engine configuration
        // (its name hashes the engine's compatibility settings), inside our own state directory.
        match unsafe { Component::deserialize_file(engine, &cached) } {
            Ok(component) => return Ok(component),
            Err(error) => tracing::warn!(path = %cached.display(), %error, "ignoring unusable compile cache entry"),
        }
    }
    let component = Component::from_binary(engine, &wasm)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot compile {}", wasm_path.display()))?;
    std::fs::create_dir_all(cache_dir)?;
    // Unique per process: several runtimes may share one cache directory and compile at once.
    let temporary = cached.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&temporary, component.serialize().map_err(anyhow::Error::from)?)?;
    std::fs::rename(&temporary, &cached)?;
    Ok(component)
}

fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut engine_hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut engine_hasher);
    let mut digest = Sha256::new();
    digest.update(engine_hasher.finish().to_le_bytes());
    digest.update(env!("CARGO_PKG_VERSION"));
    digest.update(wasm);
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The host services every instance shares.
pub struct Services {
    pub databases: Arc<Databases>,
    pub key_value: Arc<KeyValueStores>,
    /// Outbound HTTP with pooled connections, enforcing `block_networks`.
    pub outbound_client: Arc<OutboundClient>,
    /// The app's own address, for `self` in `allowed_outbound_hosts`.
    pub self_authority: String,
}

/// Everything fixed about one component for the life of the process.
pub struct ComponentContext {
    pub id: String,
    pub sqlite_databases: Arc<[String]>,
    pub key_value_stores: Arc<[String]>,
    pub variables: Arc<ComponentVariables>,
    pub outbound: Arc<OutboundPolicy>,
    pub environment: BTreeMap<String, String>,
    pub mounts: Vec<(PathBuf, String)>,
    /// Where the component's stdout and stderr go ([`crate::component_log`]).
    pub output: (ComponentOutput, ComponentOutput),
}

impl ComponentContext {
    pub fn new(
        id: &str,
        decl: &ComponentDecl,
        manifest: &Manifest,
        variables: ComponentVariables,
        outbound: OutboundPolicy,
        output: (ComponentOutput, ComponentOutput),
    ) -> Result<Self> {
        let mounts = decl
            .files
            .iter()
            .map(|mount| match mount {
                FileMount::Path(path) => (manifest.resolve(path), format!("/{}", path.trim_start_matches("./"))),
                FileMount::Mapped { source, destination } => (manifest.resolve(source), destination.clone()),
            })
            .collect::<Vec<_>>();
        for (source, _) in &mounts {
            if !source.is_dir() {
                anyhow::bail!("component `{id}`: field `files`: `{}` is not a directory", source.display());
            }
        }
        Ok(Self {
            id: id.to_string(),
            sqlite_databases: decl.sqlite_databases.clone().into(),
            key_value_stores: decl.key_value_stores.clone().into(),
            variables: Arc::new(variables),
            outbound: Arc::new(outbound),
            environment: decl.environment.clone(),
            mounts,
            output,
        })
    }
}

/// The data of one instance's `Store`: WASI state plus one slice per Spin capability.
pub struct InstanceState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    pub outbound: OutboundHooks,
    pub sqlite: SqliteAccess,
    pub key_value: KeyValueAccess,
    pub variables: VariableAccess,
}

impl InstanceState {
    pub fn new(component: &ComponentContext, services: &Services) -> Result<Self> {
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(component.output.0.clone()).stderr(component.output.1.clone());
        for (name, value) in &component.environment {
            wasi.env(name, value);
        }
        for (host_dir, guest_dir) in &component.mounts {
            wasi.preopened_dir(host_dir, guest_dir, FsPerms::ReadOnly)
                .map_err(anyhow::Error::from)?;
        }
        INSTANCES_IN_USE.fetch_add(1, Ordering::Relaxed);
        Ok(Self {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            outbound: OutboundHooks::new(
                component.outbound.clone(),
                services.outbound_client.clone(),
                services.self_authority.clone(),
            ),
            sqlite: SqliteAccess::new(services.databases.clone(), component.sqlite_databases.clone()),
            key_value: KeyValueAccess::new(services.key_value.clone(), component.key_value_stores.clone()),
            variables: VariableAccess::new(component.variables.clone()),
        })
    }

    pub fn table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

impl Drop for InstanceState {
    fn drop(&mut self) {
        INSTANCES_IN_USE.fetch_sub(1, Ordering::Relaxed);
    }
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.outbound }
    }
}

/// A store whose guest yields to the executor on every epoch tick and traps once `limit` has
/// passed, so a busy guest neither starves other requests nor runs forever.
pub fn new_store(engine: &Engine, state: InstanceState, limit: Duration) -> Store<InstanceState> {
    let mut store = Store::new(engine, state);
    let started = Instant::now();
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        if started.elapsed() >= limit {
            Ok(UpdateDeadline::Interrupt)
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

/// The linker with WASI, WASI HTTP and the Spin interfaces.
pub fn build_linker(engine: &Engine) -> Result<Linker<InstanceState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(anyhow::Error::from)?;
    crate::bindings::add_spin_interfaces(&mut linker)?;
    Ok(linker)
}
