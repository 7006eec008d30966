//! The deployment files in `deploy/` are checked by the tools that will read them: promtool for the
//! alert rules (syntax and unit tests), caddy for the reverse proxy, systemd-analyze for the units,
//! and parsers for the runtime configs and the SpinKube manifest.

use integration_tests::{repo_root, runtime_command};
use std::process::Command;

fn deploy(file: &str) -> std::path::PathBuf {
    repo_root().join("deploy").join(file)
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn alert_rules_are_valid_and_fire_as_specified() {
    let (ok, text) = run(Command::new("promtool").args(["check", "rules"]).arg(deploy("alerts.yml")));
    assert!(ok, "{text}");
    let (ok, text) = run(Command::new("promtool").args(["test", "rules"]).arg(deploy("alerts.test.yml")));
    assert!(ok, "{text}");
}

#[test]
fn reverse_proxy_config_parses() {
    let (ok, text) = run(Command::new("caddy").args(["adapt", "--config"]).arg(deploy("Caddyfile")));
    assert!(ok, "{text}");
    assert!(text.contains("reverse_proxy"), "{text}");
}

#[test]
fn systemd_units_verify() {
    for entry in std::fs::read_dir(deploy("systemd")).unwrap() {
        let path = entry.unwrap().path();
        let (_, text) = run(Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(&path));
        // The binaries live on the VPS, not here: that is the only complaint allowed.
        let problems: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.contains("is not executable: No such file"))
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
    }
}

#[test]
fn runtime_configs_parse_and_unsupported_stores_are_refused_clearly() {
    for file in ["runtime-config.toml", "runtime-config.scale-out.toml"] {
        let text = std::fs::read_to_string(deploy(file)).unwrap();
        let config: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(config["sqlite_database"].get("default").is_some(), "{file}");
        assert!(config["key_value_store"].get("default").is_some(), "{file}");
        assert_eq!(config["outbound_networking"]["block_networks"][0].as_str(), Some("private"), "{file}");
    }
    let state = tempfile::tempdir().unwrap();
    let (ok, text) = run(runtime_command()
        .args(["migrate", "--state-dir"])
        .arg(state.path())
        .arg("--runtime-config-file")
        .arg(deploy("runtime-config.scale-out.toml")));
    assert!(!ok, "the local runtime must refuse remote stores");
    assert!(text.contains("libsql") && text.contains("real Spin"), "{text}");
}

#[test]
fn spinkube_manifest_parses_and_names_real_components() {
    let text = std::fs::read_to_string(deploy("spinkube.yaml")).unwrap();
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(repo_root().join("spin.toml")).unwrap()).unwrap();
    let components = manifest["component"].as_table().unwrap();
    let mut kinds = Vec::new();
    for document in serde_norway::Deserializer::from_str(&text) {
        let value: serde_norway::Value = serde::Deserialize::deserialize(document).expect("valid YAML document");
        let kind = value["kind"].as_str().unwrap().to_string();
        if kind == "SpinApp" {
            for component in value["spec"]["components"].as_sequence().unwrap() {
                let name = component.as_str().unwrap();
                assert!(components.contains_key(name), "SpinApp names unknown component `{name}`");
            }
        }
        kinds.push(kind);
    }
    assert_eq!(kinds.iter().filter(|k| *k == "SpinApp").count(), 2, "{kinds:?}");
}
