//! `spin.toml`'s build sections agree with the workspace: each component's build command builds
//! its own crate, and its `watch` list covers the sources of every workspace crate that crate
//! depends on (directly or not), so `spin watch` rebuilds a component whenever code it is built
//! from changes — not only when its own folder does.

use integration_tests::repo_root;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::process::Command;

/// The workspace's crates: name → (folder relative to the repository, names of the workspace
/// crates it is built with: normal and build dependencies, not dev-dependencies).
fn workspace_crates() -> HashMap<String, (String, Vec<String>)> {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let root = repo_root().canonicalize().unwrap();
    let mut crates = HashMap::new();
    for package in metadata["packages"].as_array().unwrap() {
        let manifest = std::path::Path::new(package["manifest_path"].as_str().unwrap());
        let folder = manifest.parent().unwrap().strip_prefix(&root).unwrap().to_string_lossy().into_owned();
        let built_with = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|dependency| dependency["path"].is_string() && dependency["kind"].as_str() != Some("dev"))
            .map(|dependency| dependency["name"].as_str().unwrap().to_string())
            .collect();
        crates.insert(package["name"].as_str().unwrap().to_string(), (folder, built_with));
    }
    crates
}

/// `name` and every workspace crate it is built with, transitively.
fn built_from(name: &str, crates: &HashMap<String, (String, Vec<String>)>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![name.to_string()];
    while let Some(next) = pending.pop() {
        if found.insert(next.clone()) {
            pending.extend(crates[&next].1.iter().cloned());
        }
    }
    found
}

#[test]
fn every_component_watches_the_sources_of_every_crate_it_is_built_from() {
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(repo_root().join("spin.toml")).unwrap()).unwrap();
    let crates = workspace_crates();
    let components = manifest["component"].as_table().unwrap();
    assert!(components.len() >= 10, "{components:?}");
    let mut missing = Vec::new();
    for (id, component) in components {
        let build = &component["build"];
        let command = build["command"].as_str().unwrap();
        let package = command
            .split_whitespace()
            .skip_while(|word| *word != "-p")
            .nth(1)
            .unwrap_or_else(|| panic!("{id}: the build command names its crate with -p: {command}"));
        assert!(crates.contains_key(package), "{id}: `{package}` is not a workspace crate");
        let watched: BTreeSet<&str> = build["watch"].as_array().unwrap().iter().map(|entry| entry.as_str().unwrap()).collect();
        for name in built_from(package, &crates) {
            let sources = format!("{}/src/**/*.rs", crates[&name].0);
            if !watched.contains(sources.as_str()) {
                missing.push(format!("{id}: {sources}"));
            }
        }
    }
    assert!(missing.is_empty(), "watch lists miss the sources they are built from:\n{}", missing.join("\n"));
}
