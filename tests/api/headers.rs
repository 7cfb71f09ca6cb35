//! Security headers on every kind of response: page, 404 page, server function (success
//! and error), static file, refused cross-site request, oversized body.

use crate::{
    helpers::{TestApp, World},
    on_both_backends,
};
use reqwest::{Method, Response};
use std::collections::HashSet;

fn header<'a>(r: &'a Response, name: &str) -> &'a str {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{} lacks {name}", r.url()))
}

fn assert_security_headers(r: &Response, kind: &str) {
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{kind}");
    assert_eq!(header(r, "referrer-policy"), "no-referrer", "{kind}");
    assert_eq!(header(r, "x-frame-options"), "DENY", "{kind}");
    let csp = header(r, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), "{kind}: {csp}");
    for source in csp.split([';', ' ']).filter(|s| s.contains(':') && !s.ends_with(':')) {
        // Only loopback (the development reload socket) may appear as an explicit origin.
        assert!(source.starts_with("ws://127.0.0.1:"), "{kind}: third-party source {source} in {csp}");
    }
    assert!(r.headers().get("server").is_none(), "{kind}");
}

async fn send(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Response {
    let mut req = app.client.request(method, app.url(path)).body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

async fn every_kind_of_response_carries_security_headers(app: TestApp) {
    let page = send(&app, Method::GET, "/", &[], vec![]).await;
    assert_eq!(page.status(), 200);
    assert_security_headers(&page, "page");
    assert_eq!(header(&page, "cache-control"), "no-store");
    let csp = header(&page, "content-security-policy").to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("page policy has a nonce").to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "hydration script carries the header's nonce");
    assert!(html.contains("<title>Help desk</title>"));
    let again = send(&app, Method::GET, "/", &[], vec![]).await;
    assert!(!header(&again, "content-security-policy").contains(&nonce), "a nonce is used once");

    let missing = send(&app, Method::GET, "/no/such/page", &[], vec![]).await;
    assert_eq!(missing.status(), 404);
    assert_security_headers(&missing, "404 page");
    assert!(missing.text().await.unwrap().contains("Page not found"));

    let api = send(&app, Method::GET, "/api/health", &[], vec![]).await;
    assert_eq!(api.status(), 200);
    assert_security_headers(&api, "server function");
    assert_eq!(header(&api, "cache-control"), "no-store");
    assert_eq!(api.text().await.unwrap(), r#"{"ok":true}"#);

    let file = send(&app, Method::GET, "/robots.txt", &[], vec![]).await;
    assert_eq!(file.status(), 200);
    assert_security_headers(&file, "static file");
    assert!(file.text().await.unwrap().contains("Disallow: /"));

    let refused = send(&app, Method::POST, "/api/health", &[("sec-fetch-site", "cross-site")], vec![]).await;
    assert_eq!(refused.status(), 403);
    assert_security_headers(&refused, "refused cross-site request");

    let big = send(&app, Method::POST, "/api/health", &[("sec-fetch-site", "same-origin")], vec![b'x'; 70_000]).await;
    assert_eq!(big.status(), 413);
    assert_security_headers(&big, "oversized body");

    let bad = send(&app, Method::GET, "/api/health?unexpected=%ZZ", &[], vec![]).await;
    assert_security_headers(&bad, "malformed request");

    // A failing server function: the database goes away underneath it.
    app.state.db.close().await;
    let failed = send(&app, Method::GET, "/api/health", &[], vec![]).await;
    assert_eq!(failed.status(), 500);
    assert_security_headers(&failed, "server error");
    let body = failed.text().await.unwrap();
    assert!(body.contains("Internal") && !body.to_lowercase().contains("pool") && !body.contains("sqlx"), "opaque error: {body}");
}

on_both_backends!(every_kind_of_response_carries_security_headers);

/// Pages go compressed, unless the answer may carry a one-time secret (BREACH): answers to
/// posts (the receipt), the invitation, reset and second-factor pages. A page without an island
/// allows no script at all.
async fn pages_are_compressed_unless_they_may_carry_a_secret(app: TestApp) {
    let accept = [("accept-encoding", "br, gzip")];
    let intake = send(&app, Method::GET, "/", &accept, vec![]).await;
    assert_eq!((intake.status().as_u16(), header(&intake, "content-encoding")), (200, "br"));
    let gzip = send(&app, Method::GET, "/follow-up", &[("accept-encoding", "gzip")], vec![]).await;
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert!(header(&gzip, "content-security-policy").contains("script-src 'none'"), "no island, no script");

    let answer = send(
        &app,
        Method::POST,
        "/",
        &[accept[0], ("sec-fetch-site", "same-origin"), ("content-type", "application/x-www-form-urlencoded")],
        b"name=x".to_vec(),
    )
    .await;
    assert_eq!(answer.status(), 422, "the form again, with its problems");
    assert!(answer.headers().get("content-encoding").is_none(), "the answer to a post goes uncompressed");
    assert!(answer.text().await.unwrap().contains("<form"));
    for path in ["/desk/join/abcdef", "/desk/reset/abcdef", "/desk/second-factor"] {
        let page = send(&app, Method::GET, path, &accept, vec![]).await;
        assert!(page.headers().get("content-encoding").is_none(), "{path} goes uncompressed");
    }
}

on_both_backends!(pages_are_compressed_unless_they_may_carry_a_secret);

/// The nonce a policy allows inline scripts by, if any.
fn policy_nonce(csp: &str) -> Option<&str> {
    csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next())
}

/// Every `nonce="…"` value in a page.
fn html_nonces(html: &str) -> HashSet<&str> {
    html.split("nonce=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect()
}

/// Many clients at once, each page with its own policy: a page with an island (the intake
/// form, fetched and re-rendered after a post) allows exactly the nonce that every inline
/// script of that same response carries, and no two responses share one; a desk page runs
/// no script and allows none.
async fn concurrent_pages_each_carry_their_own_nonce(app: TestApp) {
    let world = World::build(&app).await;
    let (app, lead) = (&app, world.lead_pl.cookie.as_str());
    let requests = (0..60).map(|i| async move {
        let (method, path, cookie, body) = match i % 4 {
            0 => (Method::GET, "/", None, ""),
            1 => (Method::POST, "/", None, "name=x"),
            2 => (Method::GET, "/desk/login", None, ""),
            _ => (Method::GET, "/desk", Some(lead), ""),
        };
        let mut headers = vec![("sec-fetch-site", "same-origin"), ("content-type", "application/x-www-form-urlencoded")];
        headers.extend(cookie.map(|c| ("cookie", c)));
        let response = send(app, method.clone(), path, &headers, body.as_bytes().to_vec()).await;
        let status = response.status().as_u16();
        let csp = header(&response, "content-security-policy").to_owned();
        (format!("{method} {path}"), status, csp, response.text().await.unwrap())
    });
    let mut seen = HashSet::new();
    for (request, status, csp, html) in futures::future::join_all(requests).await {
        assert!([200, 422].contains(&status), "{request}: {status}");
        if html.contains("<leptos-island") {
            let nonce = policy_nonce(&csp).unwrap_or_else(|| panic!("{request}: a page with an island names a nonce: {csp}"));
            assert_eq!(html_nonces(&html), HashSet::from([nonce]), "{request}: every inline script carries the policy's nonce");
            assert!(seen.insert(nonce.to_owned()), "{request}: nonce {nonce} served twice");
        } else {
            assert!(request.contains("/desk"), "{request}: the intake form is an island");
            assert!(csp.contains("script-src 'none'") && policy_nonce(&csp).is_none(), "{request}: no island, no script: {csp}");
            assert!(!html.contains("<script") && html_nonces(&html).is_empty(), "{request}: a page without an island carries no script");
        }
    }
    assert_eq!(seen.len(), 30, "every intake page, fetched or posted, had a nonce of its own");
}

on_both_backends!(concurrent_pages_each_carry_their_own_nonce);
