//! `/static/<name>`: the files built into the component, under names that carry their content
//! hash — so browsers cache them for a year and never revalidate.

use spin_sdk::http::{Request, Response};

use crate::embedded::ASSETS;
use crate::{encoding, security};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The asset `name`, gzipped when the client accepts it; a plain 404 for unknown names.
pub fn serve(name: &str, request: &Request) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return security::with_headers(
            Response::builder()
                .status(404)
                .header("content-type", "text/plain; charset=utf-8")
                .header("cache-control", "no-store")
                .body("no such static file")
                .build(),
        );
    };
    let gzip = asset.gzip.len() < asset.body.len() && encoding::accepts_gzip(request);
    let mut builder = Response::builder();
    builder
        .status(200)
        .header("content-type", asset.content_type)
        .header("cache-control", IMMUTABLE)
        .header("vary", "accept-encoding");
    if gzip {
        builder.header("content-encoding", "gzip");
    }
    security::with_headers(builder.body(if gzip { asset.gzip } else { asset.body }.to_vec()).build())
}
