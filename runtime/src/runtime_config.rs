//! Spin's `runtime-config.toml`: where stores live and which networks are off limits.
//!
//! Without a file, as on `spin up`, SQLite `default` is `<state-dir>/sqlite_db.db` and key-value
//! `default` is `<state-dir>/sqlite_key_value.db`. A file may add labels or move them
//! (`type = "spin"`, `path` relative to the file) and set `[outbound_networking] block_networks`.
//! Store types this runtime does not implement (libsql, redis, …) are refused with a clear message
//! instead of being silently replaced by a local file.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    sqlite_database: BTreeMap<String, StoreDecl>,
    #[serde(default)]
    key_value_store: BTreeMap<String, StoreDecl>,
    #[serde(default)]
    outbound_networking: OutboundNetworking,
}

#[derive(Debug, Deserialize)]
struct StoreDecl {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    path: Option<PathBuf>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OutboundNetworking {
    #[serde(default)]
    block_networks: Vec<String>,
}

/// Resolved store locations and network rules.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    pub sqlite_databases: BTreeMap<String, PathBuf>,
    pub key_value_stores: BTreeMap<String, PathBuf>,
    pub block_networks: Vec<String>,
}

impl RuntimeConfig {
    /// Spin's defaults under `state_dir`, overridden by the optional runtime-config file.
    pub fn load(state_dir: &Path, file: Option<&Path>) -> Result<Self> {
        let mut config = Self {
            sqlite_databases: BTreeMap::from([("default".into(), state_dir.join("sqlite_db.db"))]),
            key_value_stores: BTreeMap::from([("default".into(), state_dir.join("sqlite_key_value.db"))]),
            block_networks: Vec::new(),
        };
        let Some(file) = file else { return Ok(config) };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read runtime config {}", file.display()))?;
        let raw: RawConfig = toml::from_str(&text)
            .with_context(|| format!("invalid runtime config {}", file.display()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        for (label, decl) in raw.sqlite_database {
            let path = local_store_path(&decl, base, state_dir, "sqlite_database", &label)?;
            config.sqlite_databases.insert(label, path);
        }
        for (label, decl) in raw.key_value_store {
            let path = local_store_path(&decl, base, state_dir, "key_value_store", &label)?;
            config.key_value_stores.insert(label, path);
        }
        config.block_networks = raw.outbound_networking.block_networks;
        Ok(config)
    }
}

fn local_store_path(decl: &StoreDecl, base: &Path, state_dir: &Path, table: &str, label: &str) -> Result<PathBuf> {
    if decl.kind != "spin" {
        bail!(
            "[{table}.{label}] type = \"{}\" is not supported by the local runtime (only \"spin\"); \
             run this configuration on real Spin",
            decl.kind
        );
    }
    Ok(match &decl.path {
        Some(path) => base.join(path),
        None => state_dir.join(format!("{label}.db")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<RuntimeConfig> {
        let dir = std::env::temp_dir().join(format!("rc-test-{}-{}", std::process::id(), text.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("runtime-config.toml");
        std::fs::write(&file, text).unwrap();
        RuntimeConfig::load(Path::new("/state"), Some(&file))
    }

    #[test]
    fn defaults_follow_spin() {
        let config = RuntimeConfig::load(Path::new("/state"), None).unwrap();
        assert_eq!(config.sqlite_databases["default"], PathBuf::from("/state/sqlite_db.db"));
        assert_eq!(config.key_value_stores["default"], PathBuf::from("/state/sqlite_key_value.db"));
    }

    #[test]
    fn file_moves_stores_and_blocks_networks() {
        let config = load(
            "[sqlite_database.default]\ntype = \"spin\"\npath = \"data/app.db\"\n\
             [outbound_networking]\nblock_networks = [\"private\"]\n",
        )
        .unwrap();
        assert!(config.sqlite_databases["default"].ends_with("data/app.db"));
        assert_eq!(config.block_networks, vec!["private"]);
    }

    #[test]
    fn unsupported_store_types_are_refused() {
        let error = load("[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://x\"\n").unwrap_err();
        assert!(format!("{error:#}").contains("redis"));
    }
}
