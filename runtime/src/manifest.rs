//! The Spin application manifest (`spin.toml`, manifest version 2).
//!
//! Parsed with the `toml` crate into plain structs. Every component is deserialized on its own so
//! that an error names the component as well as the field; anything this runtime cannot honour
//! (inline components, remote sources, glob file mounts) is refused at start-up rather than
//! silently ignored, because the same manifest must behave identically on real Spin.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parsed and validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub application: Application,
    pub variables: BTreeMap<String, VariableDecl>,
    pub http_triggers: Vec<HttpTrigger>,
    pub cron_triggers: Vec<CronTrigger>,
    pub components: BTreeMap<String, Component>,
    /// Directory holding spin.toml: relative `source` and `files` paths start here.
    pub root: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default, rename = "version")]
    _version: Option<IgnoredAny>,
    #[serde(default, rename = "description")]
    _description: Option<IgnoredAny>,
    #[serde(default, rename = "authors")]
    _authors: Option<IgnoredAny>,
    #[serde(default, rename = "trigger")]
    _trigger: Option<IgnoredAny>,
}

/// An application variable: `required`, or with a `default`; `secret` keeps it out of logs.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// Secrets are never printed; this runtime prints no variable values at all.
    #[serde(default, rename = "secret")]
    _secret: Option<IgnoredAny>,
    #[serde(default, rename = "description")]
    _description: Option<IgnoredAny>,
}

/// `route = "/path"` or `route = { private = true }`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RouteDecl {
    Path(String),
    Private { private: bool },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    pub route: RouteDecl,
    pub component: String,
    #[serde(default, rename = "executor")]
    _executor: Option<IgnoredAny>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CronTrigger {
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    pub component: String,
    pub cron_expression: String,
}

/// One entry of a component's `files`: a path (mounted at the same place) or a source/destination pair.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FileMount {
    Path(String),
    Mapped { source: String, destination: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: String,
    #[serde(default, rename = "description")]
    _description: Option<IgnoredAny>,
    #[serde(default)]
    pub files: Vec<FileMount>,
    #[serde(default, rename = "exclude_files")]
    _exclude_files: Option<IgnoredAny>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Used by `spin build`; the local runtime runs what scripts/build built.
    #[serde(default, rename = "build")]
    _build: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct RawManifest {
    spin_manifest_version: toml::Value,
    application: Application,
    #[serde(default)]
    variables: BTreeMap<String, VariableDecl>,
    #[serde(default)]
    trigger: RawTriggers,
    #[serde(default)]
    component: toml::Table,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTriggers {
    #[serde(default)]
    http: Vec<toml::Table>,
    #[serde(default)]
    cron: Vec<toml::Table>,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read manifest {}", path.display()))?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(&text, root).with_context(|| format!("invalid manifest {}", path.display()))
    }

    /// Parses manifest text; `root` is the directory relative paths are resolved against.
    pub fn parse(text: &str, root: PathBuf) -> Result<Self> {
        let raw: RawManifest = toml::from_str(text)?;
        if raw.spin_manifest_version.as_integer() != Some(2) {
            bail!("field `spin_manifest_version`: only version 2 is supported");
        }
        for (name, decl) in &raw.variables {
            check_variable_name(name).with_context(|| format!("variable `{name}`"))?;
            if decl.required && decl.default.is_some() {
                bail!("variable `{name}`: `required` and `default` cannot both be set");
            }
        }
        let mut components = BTreeMap::new();
        for (id, value) in raw.component {
            check_component_id(&id)?;
            let component = parse_component(&id, value)?;
            components.insert(id, component);
        }
        let http_triggers = raw
            .trigger
            .http
            .into_iter()
            .enumerate()
            .map(|(index, table)| {
                parse_trigger::<HttpTrigger>(table, "http", index, &components)
            })
            .collect::<Result<Vec<_>>>()?;
        let cron_triggers = raw
            .trigger
            .cron
            .into_iter()
            .enumerate()
            .map(|(index, table)| {
                parse_trigger::<CronTrigger>(table, "cron", index, &components)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            application: raw.application,
            variables: raw.variables,
            http_triggers,
            cron_triggers,
            components,
            root,
        })
    }

    /// The absolute path of a manifest-relative path.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

trait NamesComponent {
    fn component(&self) -> &str;
}
impl NamesComponent for HttpTrigger {
    fn component(&self) -> &str {
        &self.component
    }
}
impl NamesComponent for CronTrigger {
    fn component(&self) -> &str {
        &self.component
    }
}

fn parse_trigger<T: for<'de> Deserialize<'de> + NamesComponent>(
    table: toml::Table,
    kind: &str,
    index: usize,
    components: &BTreeMap<String, Component>,
) -> Result<T> {
    if let Some(toml::Value::Table(_)) = table.get("component") {
        bail!(
            "trigger.{kind}[{index}]: field `component`: inline components are not supported; \
             declare a [component.NAME] table and reference it by name"
        );
    }
    let trigger: T = table
        .try_into()
        .with_context(|| format!("trigger.{kind}[{index}]"))?;
    if !components.contains_key(trigger.component()) {
        bail!(
            "trigger.{kind}[{index}]: field `component`: no component named `{}`",
            trigger.component()
        );
    }
    Ok(trigger)
}

fn parse_component(id: &str, value: toml::Value) -> Result<Component> {
    let toml::Value::Table(table) = value else {
        bail!("component `{id}`: expected a table");
    };
    if let Some(source) = table.get("source")
        && !source.is_str()
    {
        bail!("component `{id}`: field `source`: only local file paths are supported");
    }
    let component: Component = table
        .try_into()
        .with_context(|| format!("component `{id}`"))?;
    for mount in &component.files {
        let source = match mount {
            FileMount::Path(path) => path,
            FileMount::Mapped { source, .. } => source,
        };
        if source.contains(['*', '?', '[']) {
            bail!("component `{id}`: field `files`: glob patterns are not supported (`{source}`)");
        }
    }
    for label in component.key_value_stores.iter().chain(&component.sqlite_databases) {
        if label.is_empty() {
            bail!("component `{id}`: store labels must not be empty");
        }
    }
    for name in component.variables.keys() {
        check_variable_name(name)
            .with_context(|| format!("component `{id}`: field `variables`"))?;
    }
    Ok(component)
}

/// Spin component IDs: words of ASCII letters and digits joined by single hyphens, each word
/// all lower-case or all upper-case and starting with a letter (later words may start with a
/// digit), `:` allowed inside a word. Spin refuses other IDs; they also name the log files.
fn check_component_id(id: &str) -> Result<()> {
    let word_ok = |(index, word): (usize, &str)| {
        let mut chars = word.chars();
        let starts_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || (index > 0 && c.is_ascii_digit()));
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == ':');
        let one_case = !(word.chars().any(|c| c.is_ascii_lowercase()) && word.chars().any(|c| c.is_ascii_uppercase()));
        starts_ok && rest_ok && one_case
    };
    if !id.split('-').enumerate().all(word_ok) {
        bail!("invalid component id `{id}`: use words of letters and digits joined by hyphens, like `deal-count`");
    }
    Ok(())
}

/// Spin variable names: lower-case ASCII letters, digits and underscores, starting with a letter.
pub fn check_variable_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !(starts_with_letter && rest_ok) {
        bail!("invalid variable name `{name}`: use lower-case letters, digits and underscores");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
spin_manifest_version = 2
[application]
name = "demo"
[variables]
api_key = { required = true, secret = true }
base = { default = "http://x" }
[[trigger.http]]
route = "/..."
component = "web"
[[trigger.cron]]
component = "job"
cron_expression = "*/5 * * * * *"
[component.web]
source = "web.wasm"
key_value_stores = ["default"]
[component.web.variables]
key = "{{ api_key }}"
[component.job]
source = "job.wasm"
"#;

    #[test]
    fn parses_a_complete_manifest() {
        let manifest = Manifest::parse(MINIMAL, PathBuf::from("/app")).unwrap();
        assert_eq!(manifest.application.name, "demo");
        assert_eq!(manifest.http_triggers.len(), 1);
        assert_eq!(manifest.cron_triggers[0].cron_expression, "*/5 * * * * *");
        assert_eq!(manifest.components["web"].key_value_stores, vec!["default"]);
        assert!(manifest.variables["api_key"].required);
        assert_eq!(manifest.resolve("web.wasm"), PathBuf::from("/app/web.wasm"));
    }

    #[test]
    fn unknown_component_field_names_field_and_component() {
        let text = MINIMAL.replace("source = \"job.wasm\"", "source = \"job.wasm\"\nsqlite_database = [\"default\"]");
        let error = format!("{:#}", Manifest::parse(&text, PathBuf::new()).unwrap_err());
        assert!(error.contains("component `job`"), "{error}");
        assert!(error.contains("sqlite_database"), "{error}");
    }

    #[test]
    fn trigger_must_reference_a_declared_component() {
        let text = MINIMAL.replace("component = \"web\"", "component = \"missing\"");
        let error = format!("{:#}", Manifest::parse(&text, PathBuf::new()).unwrap_err());
        assert!(error.contains("no component named `missing`"), "{error}");
    }

    #[test]
    fn rejects_bad_variable_names_and_versions() {
        let text = MINIMAL.replace("base = {", "Base = {");
        assert!(Manifest::parse(&text, PathBuf::new()).is_err());
        let text = MINIMAL.replace("spin_manifest_version = 2", "spin_manifest_version = 1");
        assert!(Manifest::parse(&text, PathBuf::new()).is_err());
    }

    #[test]
    fn component_ids_are_kebab_case_as_spin_requires() {
        for good in ["web", "deal-count", "api-v2", "HTTP-proxy", "a-1b"] {
            assert!(check_component_id(good).is_ok(), "{good}");
        }
        for bad in ["", "deal_count", "-web", "web-", "deal--count", "1web", "Deal", "../web", "we b"] {
            assert!(check_component_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn private_routes_parse() {
        let text = MINIMAL.replace("route = \"/...\"", "route = { private = true }");
        let manifest = Manifest::parse(&text, PathBuf::new()).unwrap();
        assert_eq!(manifest.http_triggers[0].route, RouteDecl::Private { private: true });
    }
}
