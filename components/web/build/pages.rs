//! Composes each `pages/<name>.html` into its layout (`pages/layouts/<layout>.html`).
//!
//! A page starts with one header comment naming its title, layout and entry module:
//! `<!-- title="Deals" layout="app" script="dashboard.js" -->` (`script` is optional). The layout
//! receives `{{title}}`, `{{head}}` (stylesheet, icon, the entry module and a `modulepreload` for
//! each module it imports, so the browser fetches them in parallel) and `{{main}}` (the page).

use std::collections::BTreeMap;
use std::path::Path;

use crate::assets::BuiltAsset;

/// Placeholders the component fills per request (`src/render.rs`); any other left over is an error.
const PER_REQUEST: [&str; 4] = ["{{csrf_token}}", "{{user_name}}", "{{user_role}}", "{{first_run_hidden}}"];

pub struct BuiltPage {
    pub name: String,
    pub html: String,
}

/// Every page of `dir`, composed.
pub fn build_all(dir: &Path, assets: &[BuiltAsset]) -> Vec<BuiltPage> {
    let layouts = read_html(&dir.join("layouts"));
    let by_source: BTreeMap<&str, &BuiltAsset> = assets.iter().map(|asset| (asset.source.as_str(), asset)).collect();
    read_html(dir)
        .into_iter()
        .map(|(name, source)| {
            let html = compose(&name, &source, &layouts, &by_source);
            BuiltPage { name, html }
        })
        .collect()
}

/// `name → contents` of the `.html` files directly in `dir`.
fn read_html(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".html")) {
            files.insert(name.to_string(), std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())));
        }
    }
    files
}

fn compose(name: &str, source: &str, layouts: &BTreeMap<String, String>, assets: &BTreeMap<&str, &BuiltAsset>) -> String {
    let (header, main) = source
        .strip_prefix("<!--")
        .and_then(|rest| rest.split_once("-->"))
        .unwrap_or_else(|| panic!("pages/{name}.html must start with its <!-- title=… layout=… --> header"));
    let attribute = |key: &str| attribute(header, key);
    let title = attribute("title").unwrap_or_else(|| panic!("pages/{name}.html: header lacks title"));
    let layout_name = attribute("layout").unwrap_or_else(|| panic!("pages/{name}.html: header lacks layout"));
    let layout = layouts.get(layout_name).unwrap_or_else(|| panic!("pages/{name}.html: no layout {layout_name}"));

    let url = |source: &str| format!("/static/{}", assets.get(source).unwrap_or_else(|| panic!("pages/{name}.html: no asset {source}")).served);
    let mut head = format!(
        "<link rel=\"stylesheet\" href=\"{}\">\n<link rel=\"icon\" href=\"{}\" type=\"image/svg+xml\">",
        url("app.css"),
        url("icon.svg")
    );
    if let Some(script) = attribute("script") {
        let entry = assets.get(script).unwrap_or_else(|| panic!("pages/{name}.html: no module {script}"));
        for import in &entry.imports {
            head.push_str(&format!("\n<link rel=\"modulepreload\" href=\"/static/{import}\">"));
        }
        head.push_str(&format!("\n<script type=\"module\" src=\"/static/{}\"></script>", entry.served));
    }
    let html = layout.replace("{{title}}", title).replace("{{head}}", &head).replace("{{main}}", main.trim());
    check_placeholders(name, &html);
    html
}

/// The value of `key="value"` in a page header.
fn attribute<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let start = header.find(&format!("{key}=\""))? + key.len() + 2;
    header[start..].split_once('"').map(|(value, _)| value)
}

fn check_placeholders(name: &str, html: &str) {
    for (index, _) in html.match_indices("{{") {
        let rest = &html[index..];
        assert!(
            PER_REQUEST.iter().any(|placeholder| rest.starts_with(placeholder)),
            "pages/{name}.html: unknown placeholder at {:?}",
            &rest[..rest.len().min(30)]
        );
    }
}
