//! Spin's HTTP route matching.
//!
//! A route is an exact path (`/api/health`), a path with `:param` segments (`/api/deals/:asin`), or
//! a trailing wildcard (`/static/...`). When several routes match, the most specific wins: any
//! non-wildcard route beats a wildcard, more literal segments beat fewer, and a literal segment beats
//! a parameter at the first position where two routes differ. Two routes that match the same set of
//! paths are a manifest error, as in Spin. Private routes are never matched from outside.

use anyhow::{Result, bail};
use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One compiled route of the HTTP trigger.
#[derive(Debug, Clone)]
pub struct Route {
    /// The route as written in spin.toml (`/api/...`).
    pub raw: String,
    segments: Vec<Segment>,
    wildcard: bool,
}

/// What a request path matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'a, T> {
    pub target: &'a T,
    pub raw_route: &'a str,
    /// The route without its trailing wildcard (`spin-component-route`).
    pub component_route: String,
    /// The part of the path after the route's fixed prefix (`spin-path-info`).
    pub path_info: String,
    /// Captured `:param` values, in order.
    pub params: Vec<(String, String)>,
}

impl Route {
    pub fn parse(raw: &str) -> Result<Self> {
        if !raw.starts_with('/') {
            bail!("route `{raw}` must start with `/`");
        }
        let (body, wildcard) = match raw.strip_suffix("/...") {
            Some(prefix) => (prefix, true),
            None => (raw, false),
        };
        let mut segments = Vec::new();
        for part in body.split('/').filter(|part| !part.is_empty()) {
            if part == "..." || part.contains("...") {
                bail!("route `{raw}`: `...` is only allowed as the last segment");
            }
            segments.push(match part.strip_prefix(':') {
                Some("") => bail!("route `{raw}`: parameter without a name"),
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Literal(part.to_string()),
            });
        }
        Ok(Self { raw: raw.to_string(), segments, wildcard })
    }

    /// The route as `spin up` lists it at startup: a wildcard route by its prefix, marked as one
    /// (`/static (wildcard)`, and ` (wildcard)` for `/...`, which follows the bare address).
    pub fn listing(&self) -> String {
        if self.wildcard { format!("{} (wildcard)", self.prefix()) } else { self.raw.clone() }
    }

    fn component_route(&self) -> String {
        let path = self.prefix();
        if path.is_empty() { "/".into() } else { path.into() }
    }

    /// The route without its trailing `/...` (all of it for an exact route; empty for `/...`).
    fn prefix(&self) -> &str {
        self.raw.strip_suffix("/...").unwrap_or(&self.raw)
    }

    /// The literal shape of the route, with parameters collapsed: two routes with the same shape
    /// match exactly the same paths.
    fn shape(&self) -> (Vec<Option<&str>>, bool) {
        let segments = self
            .segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => Some(text.as_str()),
                Segment::Param(_) => None,
            })
            .collect();
        (segments, self.wildcard)
    }

    fn matches(&self, path_segments: &[&str]) -> Option<Vec<(String, String)>> {
        let fits = if self.wildcard {
            path_segments.len() >= self.segments.len()
        } else {
            path_segments.len() == self.segments.len()
        };
        if !fits {
            return None;
        }
        let mut params = Vec::new();
        for (segment, actual) in self.segments.iter().zip(path_segments) {
            match segment {
                Segment::Literal(text) if text == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => params.push((name.clone(), (*actual).to_string())),
            }
        }
        Some(params)
    }

    /// Orders routes from least to most specific.
    fn specificity(&self, other: &Self) -> Ordering {
        other
            .wildcard
            .cmp(&self.wildcard)
            .then_with(|| self.segments.len().cmp(&other.segments.len()))
            .then_with(|| {
                for (mine, theirs) in self.segments.iter().zip(&other.segments) {
                    match (mine, theirs) {
                        (Segment::Literal(_), Segment::Param(_)) => return Ordering::Greater,
                        (Segment::Param(_), Segment::Literal(_)) => return Ordering::Less,
                        _ => {}
                    }
                }
                Ordering::Equal
            })
    }
}

/// All public routes of the app, each pointing at a target (the component).
#[derive(Debug, Clone)]
pub struct Router<T> {
    routes: Vec<(Route, T)>,
}

impl<T> Router<T> {
    /// Builds the router, refusing two routes that would match the same paths.
    pub fn build(entries: impl IntoIterator<Item = (String, T)>) -> Result<Self> {
        let mut routes: Vec<(Route, T)> = Vec::new();
        for (raw, target) in entries {
            let route = Route::parse(&raw)?;
            if let Some((existing, _)) = routes.iter().find(|(r, _)| r.shape() == route.shape()) {
                bail!("duplicate route: `{}` and `{}` match the same paths", existing.raw, route.raw);
            }
            routes.push((route, target));
        }
        Ok(Self { routes })
    }

    /// Every route with its target, in the manifest's order.
    pub fn routes(&self) -> impl Iterator<Item = (&Route, &T)> {
        self.routes.iter().map(|(route, target)| (route, target))
    }

    /// The most specific route for a request path (without query), if any.
    pub fn find(&self, path: &str) -> Option<RouteMatch<'_, T>> {
        let path_segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes
            .iter()
            .filter_map(|(route, target)| {
                route.matches(&path_segments).map(|params| (route, target, params))
            })
            .max_by(|(a, ..), (b, ..)| a.specificity(b))
            .map(|(route, target, params)| RouteMatch {
                target,
                raw_route: &route.raw,
                component_route: route.component_route(),
                path_info: path_info(path, route),
                params,
            })
    }
}

/// The request path after the route's matched segments, keeping its own slashes.
fn path_info(path: &str, route: &Route) -> String {
    if !route.wildcard {
        return String::new();
    }
    let mut rest = path;
    for _ in 0..route.segments.len() {
        rest = rest.trim_start_matches('/');
        rest = rest.find('/').map_or("", |end| &rest[end..]);
    }
    rest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[&str]) -> Router<String> {
        Router::build(routes.iter().map(|r| (r.to_string(), r.to_string()))).unwrap()
    }

    fn winner(router: &Router<String>, path: &str) -> Option<String> {
        router.find(path).map(|m| m.target.clone())
    }

    #[test]
    fn most_specific_route_wins() {
        let router = router(&["/...", "/api/...", "/api/health/...", "/api/deals/:asin", "/api/deals/count"]);
        assert_eq!(winner(&router, "/"), Some("/...".into()));
        assert_eq!(winner(&router, "/dashboard"), Some("/...".into()));
        assert_eq!(winner(&router, "/api/unknown"), Some("/api/...".into()));
        assert_eq!(winner(&router, "/api"), Some("/api/...".into()));
        assert_eq!(winner(&router, "/api/health"), Some("/api/health/...".into()));
        assert_eq!(winner(&router, "/api/health/live"), Some("/api/health/...".into()));
        assert_eq!(winner(&router, "/api/deals/0123456789"), Some("/api/deals/:asin".into()));
        assert_eq!(winner(&router, "/api/deals/count"), Some("/api/deals/count".into()));
        assert_eq!(winner(&router, "/api/deals/x/history"), Some("/api/...".into()));
    }

    #[test]
    fn exact_routes_match_only_themselves() {
        let router = router(&["/login"]);
        assert!(router.find("/login").is_some());
        assert!(router.find("/login/x").is_none());
        assert!(router.find("/log").is_none());
    }

    #[test]
    fn wildcard_path_info_and_component_route() {
        let router = router(&["/static/..."]);
        let found = router.find("/static/css/app.css").unwrap();
        assert_eq!(found.path_info, "/css/app.css");
        assert_eq!(found.component_route, "/static");
        assert_eq!(found.raw_route, "/static/...");
        assert_eq!(router.find("/static").unwrap().path_info, "");
    }

    #[test]
    fn routes_are_listed_as_spin_up_lists_them() {
        let router = router(&["/api/deals/:asin", "/static/...", "/..."]);
        let listed: Vec<String> = router.routes().map(|(route, _)| route.listing()).collect();
        assert_eq!(listed, ["/api/deals/:asin", "/static (wildcard)", " (wildcard)"]);
    }

    #[test]
    fn params_are_captured() {
        let router = router(&["/api/deals/:asin/history"]);
        let found = router.find("/api/deals/B000123456/history").unwrap();
        assert_eq!(found.params, vec![("asin".to_string(), "B000123456".to_string())]);
    }

    #[test]
    fn duplicates_are_rejected() {
        assert!(Router::build([("/a/:x".to_string(), 1), ("/a/:y".to_string(), 2)]).is_err());
        assert!(Router::build([("/a/...".to_string(), 1), ("/a/...".to_string(), 2)]).is_err());
        assert!(Router::build([("/a/...".to_string(), 1), ("/a".to_string(), 2)]).is_ok());
    }

    #[test]
    fn malformed_routes_are_rejected() {
        assert!(Route::parse("api").is_err());
        assert!(Route::parse("/a/.../b").is_err());
        assert!(Route::parse("/a/:").is_err());
    }
}
