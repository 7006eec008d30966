//! Spin's application variables (`fermyon:spin/variables@2.0.0`).
//!
//! Values come, in order of precedence, from the environment (`SPIN_VARIABLE_<UPPER_NAME>`, Spin's
//! env provider) and from `default` in spin.toml. A component sees only the variables it declares
//! in `[component.X.variables]`, whose values may template application variables as `{{ name }}`.
//! Everything is resolved once at start-up, so a missing required variable stops the app before it
//! serves anything.

use crate::bindings::spin::fermyon::spin::variables::{self, Error};
use crate::engine::InstanceState;
use crate::manifest::{VariableDecl, check_variable_name};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Application variables with their resolved values.
pub struct AppVariables {
    values: HashMap<String, String>,
}

impl AppVariables {
    /// Resolves every declared variable from `lookup_env` (normally `std::env::var`) and defaults.
    pub fn resolve(
        decls: &BTreeMap<String, VariableDecl>,
        lookup_env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let mut values = HashMap::new();
        let mut missing = Vec::new();
        for (name, decl) in decls {
            let from_env = lookup_env(&format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase()));
            match from_env.or_else(|| decl.default.clone()) {
                Some(value) => {
                    values.insert(name.clone(), value);
                }
                None => missing.push(name.as_str()),
            }
        }
        if !missing.is_empty() {
            bail!(
                "required variable(s) not set: {} (set e.g. SPIN_VARIABLE_{}=…)",
                missing.join(", "),
                missing[0].to_ascii_uppercase()
            );
        }
        Ok(Self { values })
    }

    /// Expands `{{ name }}` references to application variables.
    pub fn expand(&self, template: &str) -> Result<String> {
        let mut output = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            output.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .with_context(|| format!("unterminated `{{{{` in `{template}`"))?;
            let name = after[..end].trim();
            let value = self
                .values
                .get(name)
                .with_context(|| format!("`{template}` refers to undeclared variable `{name}`"))?;
            output.push_str(value);
            rest = &after[end + 2..];
        }
        output.push_str(rest);
        Ok(output)
    }
}

/// The variables one component declared, already expanded.
pub struct ComponentVariables {
    values: HashMap<String, String>,
}

impl ComponentVariables {
    pub fn resolve(declared: &BTreeMap<String, String>, app: &AppVariables) -> Result<Self> {
        let values = declared
            .iter()
            .map(|(name, template)| Ok((name.clone(), app.expand(template)?)))
            .collect::<Result<_>>()?;
        Ok(Self { values })
    }
}

/// One instance's view of its component's variables.
pub struct VariableAccess {
    variables: Arc<ComponentVariables>,
}

impl VariableAccess {
    pub fn new(variables: Arc<ComponentVariables>) -> Self {
        Self { variables }
    }
}

impl variables::Host for InstanceState {
    async fn get(&mut self, name: String) -> Result<Result<String, Error>> {
        if check_variable_name(&name).is_err() {
            return Ok(Err(Error::InvalidName(name)));
        }
        Ok(match self.variables.variables.values.get(&name) {
            Some(value) => Ok(value.clone()),
            None => Err(Error::Undefined(format!("no variable for \"{name}\""))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls() -> BTreeMap<String, VariableDecl> {
        toml::from_str("base = { default = \"http://x\" }\nkey = { required = true, secret = true }").unwrap()
    }

    #[test]
    fn environment_overrides_defaults() {
        let app = AppVariables::resolve(&decls(), |name| match name {
            "SPIN_VARIABLE_BASE" => Some("http://y".into()),
            "SPIN_VARIABLE_KEY" => Some("k".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(app.expand("{{ base }}/v1?k={{key}}").unwrap(), "http://y/v1?k=k");
    }

    #[test]
    fn missing_required_variable_is_an_error_naming_it() {
        let error = AppVariables::resolve(&decls(), |_| None).err().unwrap().to_string();
        assert!(error.contains("key"), "{error}");
        assert!(error.contains("SPIN_VARIABLE_KEY"), "{error}");
    }

    #[test]
    fn templates_must_reference_declared_variables() {
        let app = AppVariables::resolve(&decls(), |_| Some("v".into())).unwrap();
        assert!(app.expand("{{ nope }}").is_err());
        assert!(app.expand("{{ base").is_err());
        assert_eq!(app.expand("plain").unwrap(), "plain");
    }
}
