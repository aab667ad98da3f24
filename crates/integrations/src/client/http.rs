//! The `reqwest::Client` of a provider, and the URL rules of its configuration.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use super::options::Resolved;
use crate::error::{Error, Result};
use crate::model::Vendor;

/// A client with the provider's timeouts and user agent, rustls, no redirects followed (Torq's
/// 302 means an expired token; and a redirect must never carry credentials elsewhere).
pub(crate) fn client(
    vendor: Vendor,
    options: &Resolved,
    verify_tls: bool,
) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(options.user_agent.as_str())
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(!verify_tls)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::Config {
            vendor,
            setting: "HTTP client".into(),
            message: e.to_string(),
        })
}

/// Parses the URL given for `setting`: `https://`, or `http://` to a loopback host only, so that
/// credentials never cross a network in clear text.
pub(crate) fn parse_url(vendor: Vendor, setting: &str, value: &str) -> Result<Url> {
    let config = |message: String| Error::Config {
        vendor,
        setting: setting.to_owned(),
        message,
    };
    let url = Url::parse(value.trim()).map_err(|e| config(format!("not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config("credentials do not belong in the URL".into()));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(config(format!(
                "`{value}` uses plain http to a non-loopback host; use https"
            )));
        }
        other => return Err(config(format!("`{value}`: unsupported scheme `{other}`"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(config(format!("`{value}` has no host")));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// `url` as a base for a generated client: without a trailing slash.
pub(crate) fn base(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        for ok in [
            "https://acme.cloud.looker.com",
            "http://127.0.0.1:9999",
            "http://localhost:1/x",
            "http://[::1]:80",
        ] {
            assert!(parse_url(Vendor::Looker, "S", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://acme.cloud.looker.com",
            "http://10.0.0.1",
            "ftp://x",
            "not a url",
            "https://u:p@x.io",
        ] {
            let err = parse_url(Vendor::Looker, "LOOKERSDK_BASE_URL", bad)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("looker configuration: LOOKERSDK_BASE_URL: "),
                "{err}"
            );
            assert!(
                !err.contains(":p@"),
                "a password in the URL is not echoed: {err}"
            );
        }
    }
}
