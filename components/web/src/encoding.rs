//! Content negotiation: gzip when the client's `Accept-Encoding` allows it (every browser does),
//! identity otherwise.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use spin_sdk::http::Request;

/// Whether `Accept-Encoding` lists gzip (or `*`) without `q=0`.
pub fn accepts_gzip(request: &Request) -> bool {
    let Some(header) = request.header("accept-encoding").and_then(|value| value.as_str()) else {
        return false;
    };
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused = parts.any(|param| param.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0)));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Gzip of a page rendered for one request (static files are compressed at build time).
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 3), Compression::fast());
    encoder.write_all(body).expect("gzip to memory");
    encoder.finish().expect("gzip to memory")
}
