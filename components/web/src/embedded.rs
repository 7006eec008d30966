//! The files `build.rs` compiled into the component: fingerprinted static assets (with their
//! build-time gzip) and the composed page templates.

/// One static file, served at `/static/<name>`.
pub struct Asset {
    /// Fingerprinted name, e.g. `api.3f2a1b9c0d.js`.
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
    pub gzip: &'static [u8],
}

/// One page in its layout, with the per-request placeholders still in it (see `render`).
pub struct Template {
    pub name: &'static str,
    pub html: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The composed page `name` (every name `pages.rs` uses has a file in `pages/`).
pub fn template(name: &str) -> &'static str {
    TEMPLATES
        .iter()
        .find(|template| template.name == name)
        .map(|template| template.html)
        .unwrap_or_else(|| panic!("no page template {name}"))
}
