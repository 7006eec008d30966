//! Loading an application: manifest + runtime config + variables → compiled, pre-instantiated
//! components wired to their triggers and host services. Everything that can fail because of the
//! manifest or the environment fails here, before anything is served.

use crate::component_log::LogOptions;
use crate::engine::{self, ComponentContext, PoolSizes, Services};
use crate::key_value::KeyValueStores;
use crate::manifest::{Manifest, RouteDecl};
use crate::outbound_http::client::OutboundClient;
use crate::outbound_http::{BlockedNetworks, OutboundPolicy};
use crate::routes::Router;
use crate::runtime_config::RuntimeConfig;
use crate::sqlite::Databases;
use crate::variables::{AppVariables, ComponentVariables};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use wasmtime::Engine;
use wasmtime::component::InstancePre;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::bindings::cron::SpinCronPre;
use crate::engine::InstanceState;

/// Where and how to load the app.
pub struct LoadOptions {
    pub manifest: PathBuf,
    pub state_dir: PathBuf,
    pub runtime_config_file: Option<PathBuf>,
    pub pool_sizes: PoolSizes,
    /// The address the app is served on, for `self` in `allowed_outbound_hosts`.
    pub self_authority: String,
    /// Most requests one HTTP component may run at once (`--max-concurrency auth=4`); requests
    /// beyond it wait in the host, where waiting costs no instance memory.
    pub concurrency_limits: BTreeMap<String, usize>,
    /// How long after its last use an outbound connection expires (closed within twice that).
    pub outbound_idle_timeout: std::time::Duration,
    /// Where the components' stdout and stderr go.
    pub logs: LogOptions,
}

/// A component ready to serve HTTP requests.
pub struct HttpComponent {
    pub context: Arc<ComponentContext>,
    pub pre: ProxyPre<InstanceState>,
    pub concurrency: Option<Arc<tokio::sync::Semaphore>>,
}

/// A component ready to handle cron events, with its schedule.
pub struct CronJob {
    pub context: Arc<ComponentContext>,
    pub pre: SpinCronPre<InstanceState>,
    pub schedule: cron::Schedule,
    pub expression: String,
}

pub struct App {
    /// `application.name` from the manifest.
    pub name: String,
    pub engine: Engine,
    pub services: Services,
    pub router: Router<Arc<HttpComponent>>,
    pub cron_jobs: Vec<Arc<CronJob>>,
}

impl App {
    pub fn load(options: &LoadOptions) -> Result<Self> {
        let manifest = Manifest::load(&options.manifest)?;
        let config = RuntimeConfig::load(&options.state_dir, options.runtime_config_file.as_deref())?;
        let variables = AppVariables::resolve(&manifest.variables, |name| std::env::var(name).ok())?;
        let key_value = KeyValueStores::new(config.key_value_stores.clone());
        key_value.prepare().context("cannot prepare the key-value store")?;
        let services = Services {
            databases: Arc::new(Databases::new(config.sqlite_databases.clone())),
            key_value: Arc::new(key_value),
            outbound_client: Arc::new(OutboundClient::new(Arc::new(BlockedNetworks::parse(&config.block_networks)?), options.outbound_idle_timeout)?),
            self_authority: options.self_authority.clone(),
        };
        options.logs.prepare(manifest.components.keys().map(String::as_str))?;
        let engine = engine::build_engine(options.pool_sizes)?;
        let linker = engine::build_linker(&engine)?;
        let cache_dir = options.state_dir.join("cache");
        let mut prepared: BTreeMap<String, (Arc<ComponentContext>, InstancePre<InstanceState>)> = BTreeMap::new();
        let triggered = manifest
            .http_triggers
            .iter()
            .map(|t| &t.component)
            .chain(manifest.cron_triggers.iter().map(|t| &t.component));
        for id in triggered {
            if prepared.contains_key(id) {
                continue;
            }
            let decl = &manifest.components[id];
            let context = component_context(id, &manifest, &variables, &options.logs)?;
            let component = engine::load_component(&engine, &manifest.resolve(&decl.source), &cache_dir)?;
            let pre = linker
                .instantiate_pre(&component)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("component `{id}` imports something this runtime does not provide"))?;
            prepared.insert(id.clone(), (Arc::new(context), pre));
        }
        let mut http_entries = Vec::new();
        let mut http_components: BTreeMap<String, Arc<HttpComponent>> = BTreeMap::new();
        for trigger in &manifest.http_triggers {
            let RouteDecl::Path(route) = &trigger.route else { continue };
            let http = match http_components.get(&trigger.component) {
                Some(existing) => existing.clone(),
                None => {
                    let (context, pre) = &prepared[&trigger.component];
                    let pre = ProxyPre::new(pre.clone())
                        .map_err(anyhow::Error::from)
                        .with_context(|| format!("component `{}` is not an HTTP component", trigger.component))?;
                    let concurrency = options
                        .concurrency_limits
                        .get(&trigger.component)
                        .map(|limit| Arc::new(tokio::sync::Semaphore::new(*limit)));
                    let http = Arc::new(HttpComponent { context: context.clone(), pre, concurrency });
                    http_components.insert(trigger.component.clone(), http.clone());
                    http
                }
            };
            http_entries.push((route.clone(), http));
        }
        if let Some(unknown) = options.concurrency_limits.keys().find(|id| !http_components.contains_key(*id)) {
            anyhow::bail!("--max-concurrency names `{unknown}`, which is not an HTTP component of this app");
        }
        let router = Router::build(http_entries)?;
        let cron_jobs = manifest
            .cron_triggers
            .iter()
            .map(|trigger| {
                let (context, pre) = &prepared[&trigger.component];
                let schedule = trigger.cron_expression.parse::<cron::Schedule>().with_context(|| {
                    format!("cron trigger for `{}`: invalid cron_expression `{}`", trigger.component, trigger.cron_expression)
                })?;
                let pre = SpinCronPre::new(pre.clone())
                    .map_err(anyhow::Error::from)
                    .with_context(|| format!("component `{}` does not export handle-cron-event", trigger.component))?;
                Ok(Arc::new(CronJob {
                    context: context.clone(),
                    pre,
                    schedule,
                    expression: trigger.cron_expression.clone(),
                }))
            })
            .collect::<Result<_>>()?;
        Ok(Self { name: manifest.application.name.clone(), engine, services, router, cron_jobs })
    }
}

fn component_context(id: &str, manifest: &Manifest, variables: &AppVariables, logs: &LogOptions) -> Result<ComponentContext> {
    let decl = &manifest.components[id];
    let component_variables = ComponentVariables::resolve(&decl.variables, variables)
        .with_context(|| format!("component `{id}`: field `variables`"))?;
    let allowed_hosts = decl
        .allowed_outbound_hosts
        .iter()
        .map(|entry| variables.expand(entry))
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("component `{id}`: field `allowed_outbound_hosts`"))?;
    let outbound = OutboundPolicy::parse(&allowed_hosts)
        .with_context(|| format!("component `{id}`: field `allowed_outbound_hosts`"))?;
    ComponentContext::new(id, decl, manifest, component_variables, outbound, logs.streams(id))
}
