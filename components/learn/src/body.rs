//! Reading the request in two steps: the head first (for the role check), the body only after,
//! and never more than [`MAX_BODY_BYTES`].

use futures::StreamExt;
use spin_sdk::http::{IncomingRequest, Request, Response};

/// Largest request body accepted (a pasted article fits many times over).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Method, URI and headers of `incoming`, with an empty body.
pub fn head_of(incoming: &IncomingRequest) -> Request {
    Request::builder().method(incoming.method()).uri(incoming.uri()).headers(incoming.headers().entries()).build()
}

/// `head` with the body of `incoming`; 413 past the limit.
pub async fn with_body(mut head: Request, incoming: IncomingRequest) -> Result<Request, Response> {
    let mut stream = std::pin::pin!(incoming.into_body_stream());
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| http_kit::error(400, "the request body could not be read"))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(http_kit::error(413, format!("the request body is over {MAX_BODY_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    *head.body_mut() = body;
    Ok(head)
}
