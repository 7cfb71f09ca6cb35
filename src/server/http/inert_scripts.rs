//! Pages without an island run no script. Leptos still writes a few inline scripts into
//! every page it renders (empty tables its hydration would fill, and an empty element from
//! the i18n provider); on a page with no `<leptos-island>` they are taken out, and the
//! page's policy allows no script at all.

use super::headers::{is_page, scriptless_page_policy};
use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Inline script bodies that do nothing without an island to hydrate. Anything else (data
/// serialised for hydration, say) stays, so that a test sees it.
const INERT: [&str; 3] = ["", "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];", "__INCOMPLETE_CHUNKS=[];"];

/// Largest page read whole here (pages are far smaller).
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

pub async fn drop_from_pages_without_islands(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_page(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return crate::api::AppError::Internal.into_response();
    };
    let html = match std::str::from_utf8(&bytes) {
        Ok(html) if !html.contains("<leptos-island") => html,
        _ => return Response::from_parts(parts, Body::from(bytes)),
    };
    let page = without_inert_scripts(html);
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Ok(policy) = HeaderValue::from_str(&scriptless_page_policy()) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    Response::from_parts(parts, Body::from(page))
}

/// `html` without its [`INERT`] script elements.
fn without_inert_scripts(html: &str) -> String {
    const END: &str = "</script>";
    let mut page = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(length) = rest[start..].find(END) else {
            break;
        };
        let end = start + length + END.len();
        let element = &rest[start..end];
        let body = element.split_once('>').map_or("", |(_, body)| &body[..body.len() - END.len()]);
        page.push_str(&rest[..start]);
        if !INERT.contains(&body) {
            page.push_str(element);
        }
        rest = &rest[end..];
    }
    page.push_str(rest);
    page
}

#[cfg(test)]
mod tests {
    use super::without_inert_scripts;

    #[test]
    fn only_the_inert_scripts_are_taken_out() {
        let page = "<head><script nonce=\"n1\">__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script></head>\
                    <body><p>a</p><script></script><script nonce=\"n1\">__INCOMPLETE_CHUNKS=[];</script>\
                    <script>__RESOLVED_RESOURCES[0] = \"data\";</script></body>";
        assert_eq!(without_inert_scripts(page), "<head></head><body><p>a</p><script>__RESOLVED_RESOURCES[0] = \"data\";</script></body>");
        assert_eq!(without_inert_scripts("<p>no script</p>"), "<p>no script</p>");
        assert_eq!(without_inert_scripts("<script>unclosed"), "<script>unclosed");
    }
}
