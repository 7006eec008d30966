//! A small blocking HTTP client for tests: every status is a value, never an error.

use std::time::Duration;

/// What the server answered.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The body parsed as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A client bound to one base URL, keeping cookies and default headers it was given.
#[derive(Clone)]
pub struct HttpClient {
    base: String,
    agent: ureq::Agent,
    headers: Vec<(String, String)>,
}

impl HttpClient {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .new_agent();
        Self { base: base.trim_end_matches('/').to_string(), agent, headers: Vec::new() }
    }

    /// A copy that sends `name: value` with every request.
    pub fn with_header(&self, name: &str, value: &str) -> Self {
        let mut copy = self.clone();
        copy.headers.push((name.to_string(), value.to_string()));
        copy
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, None, &[])
    }

    pub fn post(&self, path: &str, body: &str, content_type: &str) -> Reply {
        self.request("POST", path, Some(body.as_bytes()), &[("content-type", content_type)])
    }

    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.post(path, &body.to_string(), "application/json")
    }

    /// Any method, optional body, extra headers.
    pub fn request(&self, method: &str, path: &str, body: Option<&[u8]>, headers: &[(&str, &str)]) -> Reply {
        let url = format!("{}{}", self.base, path);
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).chain(headers.iter().copied()) {
            builder = builder.header(name, value);
        }
        let request = builder.body(body.map(<[u8]>::to_vec).unwrap_or_default()).expect("valid request");
        let mut response = self
            .agent
            .run(request)
            .unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap_or_default();
        Reply { status, headers, body }
    }
}
