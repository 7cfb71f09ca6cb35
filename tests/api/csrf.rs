//! Cross-site state changes are refused on every kind of endpoint; same-site ones pass.

use crate::{helpers::TestApp, on_both_backends};
use reqwest::Method;

async fn status(app: &TestApp, method: Method, path: &str, headers: &[(&str, String)]) -> u16 {
    let mut req = app.client.request(method, app.url(path));
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn cross_site_posts_are_refused_everywhere(app: TestApp) {
    let own = app.base.clone();
    for path in ["/", "/api/health", "/robots.txt", "/no/such/page", "/pkg/embassy-desk.js"] {
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            for headers in [
                vec![("sec-fetch-site", "cross-site".to_string())],
                vec![("sec-fetch-site", "same-site".to_string())],
                vec![("sec-fetch-site", "cross-site".to_string()), ("origin", own.clone())],
                vec![("origin", "https://evil.example".to_string())],
                vec![("origin", "null".to_string())],
            ] {
                assert_eq!(status(&app, method.clone(), path, &headers).await, 403, "{method} {path} {headers:?}");
            }
            for headers in [vec![("sec-fetch-site", "same-origin".to_string())], vec![("origin", own.clone())]] {
                assert_ne!(status(&app, method.clone(), path, &headers).await, 403, "{method} {path} {headers:?}");
            }
        }
        // Reading is never refused: links from other sites must work.
        assert_ne!(status(&app, Method::GET, path, &[("sec-fetch-site", "cross-site".into())]).await, 403, "GET {path}");
    }
}

on_both_backends!(cross_site_posts_are_refused_everywhere);
