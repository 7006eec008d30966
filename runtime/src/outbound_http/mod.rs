//! Outbound HTTP (`wasi:http/outgoing-handler`), restricted as on Spin.
//!
//! A request leaves the app only if its component lists a matching entry in
//! `allowed_outbound_hosts` (`scheme://host:port`, with `*` for scheme, host or port, `*.domain`,
//! port ranges `a..b`, and `self` for the app itself); otherwise the guest gets
//! `HttpRequestDenied`. Runtime-config `[outbound_networking] block_networks` (CIDRs, or `"private"`
//! for loopback, private, link-local and unique-local ranges) is checked against every address the
//! host name resolves to, at connect time, and a hit fails with `DestinationIpProhibited`.
//! Requests that may leave go out through the shared, pooled [`client::OutboundClient`].

pub mod client;

use anyhow::{Context, Result, bail};
use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::Arc;
use client::OutboundClient;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

#[derive(Debug, Clone, PartialEq)]
enum HostPattern {
    Any,
    Exact(String),
    Subdomain(String),
}

#[derive(Debug, Clone, PartialEq)]
enum PortPattern {
    Any,
    SchemeDefault,
    Range(u16, u16),
}

#[derive(Debug, Clone, PartialEq)]
enum AllowedHost {
    SelfApp,
    Remote { scheme: Option<String>, host: HostPattern, port: PortPattern },
}

/// One component's `allowed_outbound_hosts`, already expanded from `{{ variables }}`.
#[derive(Debug, Default)]
pub struct OutboundPolicy {
    allowed: Vec<AllowedHost>,
}

impl OutboundPolicy {
    pub fn parse(entries: &[String]) -> Result<Self> {
        let allowed = entries
            .iter()
            .map(|entry| parse_allowed(entry).with_context(|| format!("invalid allowed_outbound_hosts entry `{entry}`")))
            .collect::<Result<_>>()?;
        Ok(Self { allowed })
    }

    /// Whether a request to `scheme://host:port` may leave, given the app's own `host:port`.
    pub fn allows(&self, scheme: &str, host: &str, port: u16, self_authority: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        self.allowed.iter().any(|allowed| match allowed {
            AllowedHost::SelfApp => format!("{host}:{port}") == self_authority,
            AllowedHost::Remote { scheme: allowed_scheme, host: host_pattern, port: port_pattern } => {
                allowed_scheme.as_deref().is_none_or(|s| s == scheme)
                    && match host_pattern {
                        HostPattern::Any => true,
                        HostPattern::Exact(name) => *name == host,
                        HostPattern::Subdomain(domain) => host.ends_with(&format!(".{domain}")),
                    }
                    && match port_pattern {
                        PortPattern::Any => true,
                        PortPattern::SchemeDefault => Some(port) == default_port(scheme),
                        PortPattern::Range(low, high) => (*low..*high).contains(&port) || (low == high && port == *low),
                    }
            }
        })
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

fn parse_allowed(entry: &str) -> Result<AllowedHost> {
    if entry == "self" {
        return Ok(AllowedHost::SelfApp);
    }
    let (scheme, rest) = entry.split_once("://").context("expected `scheme://host[:port]`")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains('/') {
        bail!("paths are not allowed, only `scheme://host[:port]`");
    }
    if rest == "self" && matches!(scheme, "http" | "https" | "*") {
        return Ok(AllowedHost::SelfApp);
    }
    let scheme = match scheme {
        "*" => None,
        s if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => Some(s.to_string()),
        _ => bail!("invalid scheme `{scheme}`"),
    };
    let (host, port) = split_host_port(rest)?;
    let host = match host {
        "*" => HostPattern::Any,
        h if h.starts_with("*.") => HostPattern::Subdomain(h[2..].to_ascii_lowercase()),
        h if h.contains('*') => bail!("`*` is only allowed as the whole host or a `*.` prefix"),
        "" => bail!("missing host"),
        h => HostPattern::Exact(h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()),
    };
    let port = match port {
        None if scheme.is_none() => bail!("a port is required when the scheme is `*`"),
        None => PortPattern::SchemeDefault,
        Some("*") => PortPattern::Any,
        Some(range) if range.contains("..") => {
            let (low, high) = range.split_once("..").expect("checked");
            PortPattern::Range(low.parse()?, high.parse()?)
        }
        Some(port) => {
            let port: u16 = port.parse().with_context(|| format!("invalid port `{port}`"))?;
            PortPattern::Range(port, port)
        }
    };
    Ok(AllowedHost::Remote { scheme, host, port })
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']').context("unterminated IPv6 literal")?;
        let port = rest[end + 1..].strip_prefix(':');
        return Ok((&authority[..end + 2], port));
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// Networks no outbound request may connect to (`block_networks` in runtime-config.toml).
#[derive(Debug, Default)]
pub struct BlockedNetworks {
    networks: Vec<IpNet>,
}

impl BlockedNetworks {
    pub fn parse(entries: &[String]) -> Result<Self> {
        let mut networks = Vec::new();
        for entry in entries {
            if entry == "private" {
                networks.extend(PRIVATE_NETWORKS.iter().map(|n| n.parse::<IpNet>().expect("valid constant")));
            } else {
                networks.push(entry.parse().with_context(|| format!("block_networks: invalid CIDR `{entry}`"))?);
            }
        }
        Ok(Self { networks })
    }

    pub fn blocks(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        self.networks.iter().any(|network| network.contains(&address))
    }
}

const PRIVATE_NETWORKS: &[&str] = &[
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.168.0.0/16", "::1/128", "::/128", "fc00::/7", "fe80::/10",
];

/// The `WasiHttpHooks` of one instance: the `allowed_outbound_hosts` check before the send
/// (which enforces `block_networks`).
pub struct OutboundHooks {
    policy: Arc<OutboundPolicy>,
    client: Arc<OutboundClient>,
    self_authority: String,
}

impl OutboundHooks {
    pub fn new(policy: Arc<OutboundPolicy>, client: Arc<OutboundClient>, self_authority: String) -> Self {
        Self { policy, client, self_authority }
    }
}

type SendFuture = Box<
    dyn Future<Output = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), HttpError>> + Send>), HttpError>>
        + Send,
>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _guest_io: Box<dyn Future<Output = Result<(), HttpError>> + Send>,
    ) -> SendFuture {
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("https").to_string();
        let host = uri.host().unwrap_or_default().to_string();
        let port = uri.port_u16().or_else(|| default_port(&scheme)).unwrap_or(0);
        if !self.policy.allows(&scheme, &host, port, &self.self_authority) {
            tracing::warn!(url = %uri, "outbound request denied: not in allowed_outbound_hosts");
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        }
        let client = self.client.clone();
        Box::new(async move {
            let response = client.send(request, options).await?;
            // The pool's own tasks drive the connection: nothing is left for the guest to poll.
            Ok((response, Box::new(async { Ok(()) }) as Box<dyn Future<Output = Result<(), HttpError>> + Send>))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(entries: &[&str]) -> OutboundPolicy {
        OutboundPolicy::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn exact_hosts_use_the_scheme_default_port() {
        let p = policy(&["https://api.keepa.com"]);
        assert!(p.allows("https", "api.keepa.com", 443, ""));
        assert!(!p.allows("https", "api.keepa.com", 8443, ""));
        assert!(!p.allows("http", "api.keepa.com", 80, ""));
        assert!(!p.allows("https", "evil.com", 443, ""));
    }

    #[test]
    fn wildcards_and_ranges() {
        let p = policy(&["*://*.example.com:*", "http://127.0.0.1:3000..3010"]);
        assert!(p.allows("https", "a.example.com", 1, ""));
        assert!(!p.allows("https", "example.com", 443, ""));
        assert!(p.allows("http", "127.0.0.1", 3005, ""));
        assert!(!p.allows("http", "127.0.0.1", 3010, ""));
        assert!(policy(&["*://*:*"]).allows("ftp", "x", 21, ""));
    }

    #[test]
    fn self_matches_the_app_address() {
        let p = policy(&["self"]);
        assert!(p.allows("http", "127.0.0.1", 3000, "127.0.0.1:3000"));
        assert!(!p.allows("http", "127.0.0.1", 3001, "127.0.0.1:3000"));
    }

    #[test]
    fn malformed_entries_are_errors() {
        for bad in ["api.keepa.com", "https://x.com/path", "*://x.com", "https://a*b.com", "https://x:port"] {
            assert!(OutboundPolicy::parse(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn private_blocks_loopback_link_local_and_mapped_forms() {
        let blocked = BlockedNetworks::parse(&["private".into()]).unwrap();
        for ip in ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1", "0.0.0.0"] {
            assert!(blocked.blocks(ip.parse().unwrap()), "{ip}");
        }
        assert!(!blocked.blocks("93.184.216.34".parse().unwrap()));
        assert!(BlockedNetworks::parse(&["10.0.0.0/33".into()]).is_err());
    }
}
