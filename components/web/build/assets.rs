//! Fingerprinting, JS import rewriting and gzip of the files under `assets/` (flat folder).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// Hex digits of the SHA-256 kept in a served name: 40 bits, ample against accidental collisions.
const HASH_DIGITS: usize = 10;

pub struct BuiltAsset {
    /// File name under `assets/`, e.g. `api.js`.
    pub source: String,
    /// File name under `/static/`, e.g. `api.3f2a1b9c0d.js`.
    pub served: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub gzip: Vec<u8>,
    /// Served names of every module this one imports, directly or not (for `modulepreload`).
    pub imports: Vec<String>,
}

/// Every file of `dir`, fingerprinted and compressed, sorted by source name.
pub fn build_all(dir: &Path) -> Vec<BuiltAsset> {
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8 asset name").to_string();
        sources.insert(name, std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())));
    }
    let mut built = BTreeMap::new();
    for name in sources.keys() {
        build(name, &sources, &mut built, &mut Vec::new());
    }
    built.into_values().collect()
}

/// Builds `name` after the modules it imports (depth first; an import cycle is a build error).
fn build(name: &str, sources: &BTreeMap<String, Vec<u8>>, built: &mut BTreeMap<String, BuiltAsset>, path: &mut Vec<String>) {
    if built.contains_key(name) {
        return;
    }
    assert!(!path.iter().any(|seen| seen == name), "import cycle: {} -> {name}", path.join(" -> "));
    let mut body = sources.get(name).unwrap_or_else(|| panic!("{} imports missing module {name}", path.join(" -> "))).clone();
    let mut imports = Vec::new();
    if name.ends_with(".js") {
        let mut text = String::from_utf8(body).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        path.push(name.to_string());
        for dependency in relative_imports(&text) {
            build(&dependency, sources, built, path);
            let served = &built[&dependency];
            text = text.replace(&format!("'./{dependency}'"), &format!("'./{}'", served.served));
            imports.push(served.served.clone());
            imports.extend(served.imports.iter().cloned());
        }
        path.pop();
        imports.sort();
        imports.dedup();
        body = text.into_bytes();
    }
    let served = fingerprinted(name, &body);
    let gzip = gzip(&body);
    built.insert(
        name.to_string(),
        BuiltAsset { source: name.to_string(), served, content_type: content_type(name), body, gzip, imports },
    );
}

/// The module names in `'./name.js'` specifiers (the only import form the assets use).
fn relative_imports(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split("'./")
        .skip(1)
        .filter_map(|rest| rest.split_once('\'').map(|(name, _)| name))
        .filter(|name| name.ends_with(".js") && !name.contains('/'))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `stem.<hash>.ext` for `stem.ext`.
fn fingerprinted(name: &str, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hash: String = digest.iter().map(|byte| format!("{byte:02x}")).collect::<String>()[..HASH_DIGITS].to_string();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(body).expect("gzip to memory");
    encoder.finish().expect("gzip to memory")
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => panic!("asset {name}: add its content type to build/assets.rs"),
    }
}
