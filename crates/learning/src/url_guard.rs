//! Which URLs the learn fetcher may request (SSRF defence, first line).
//!
//! Only `http` and `https`; no credentials in the URL; and no IP literal in a loopback, private,
//! link-local, unique-local, multicast or otherwise reserved range, in any notation. The WHATWG
//! parser of the `url` crate turns `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` into
//! `127.0.0.1` exactly as HTTP stacks would, so the check sees the address that would be dialled;
//! IPv6 literals are checked including their IPv4-mapped, -compatible, NAT64 and 6to4 forms.
//!
//! Host *names* are resolved by the host, not here: the second line of defence is Spin's
//! runtime-config `[outbound_networking] block_networks = ["private"]`, which refuses a
//! connection to a private address whatever name led to it (DNS rebinding included).

use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Why a URL may not be fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The parsed URL if it may be fetched.
pub fn check(raw: &str) -> Result<Url, Refusal> {
    let url = Url::parse(raw.trim()).map_err(|e| Refusal(format!("not a valid URL: {e}")))?;
    check_parsed(url)
}

/// Checks an already parsed URL (a redirect target).
pub fn check_parsed(url: Url) -> Result<Url, Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal(format!("only http and https URLs can be learned from, not {}:", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal("URLs with credentials are not fetched".into()));
    }
    match url.host() {
        None => return Err(Refusal("the URL has no host".into())),
        Some(Host::Ipv4(ip)) if is_forbidden_v4(ip) => return Err(private(&ip.to_string())),
        Some(Host::Ipv6(ip)) if is_forbidden_v6(ip) => return Err(private(&ip.to_string())),
        Some(_) => {}
    }
    Ok(url)
}

fn private(address: &str) -> Refusal {
    Refusal(format!("{address} is a private, loopback, link-local or reserved address"))
}

/// Every IPv4 range that is not ordinary public unicast.
pub fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))   // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0)         // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b))    // benchmarking
        || a >= 240                               // reserved
}

/// Every IPv6 range that is not ordinary public unicast, and IPv6 forms that embed a forbidden IPv4.
pub fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
        return true;
    }
    let first = segments[0];
    if (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80 || (first & 0xffc0) == 0xfec0 {
        return true; // unique local, link-local, site-local
    }
    let embedded = |high: u16, low: u16| Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    if segments[..6] == [0, 0, 0, 0, 0, 0] {
        return is_forbidden_v4(embedded(segments[6], segments[7])); // IPv4-compatible
    }
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_forbidden_v4(embedded(segments[6], segments[7])); // NAT64
    }
    if first == 0x2002 {
        return is_forbidden_v4(embedded(segments[1], segments[2])); // 6to4
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_in_every_notation() {
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://2852039166/",
            "http://10.0.0.1:8080/",
            "http://192.168.1.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:7f00:1::]/",
        ] {
            assert!(check(url).is_err(), "{url} must be refused");
        }
    }

    #[test]
    fn only_http_and_https() {
        for url in ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "javascript:alert(1)", "not a url"] {
            assert!(check(url).is_err(), "{url}");
        }
        assert!(check("http://user:pw@example.com/").is_err());
    }

    #[test]
    fn public_addresses_and_names_pass() {
        for url in ["https://example.com/page", "http://93.184.216.34/", "https://[2606:4700::1111]/", "http://localhost:8080/"] {
            assert!(check(url).is_ok(), "{url}");
        }
    }
}
