//! Posts with files, as a browser sends a `multipart/form-data` form, and downloads.

use super::{Page, TestApp};

const BOUNDARY: &str = "----embassy-desk-test-boundary-7MA4YWxkTrZu0gW";

/// A file to post: the field it goes in, its name, its bytes.
pub struct Upload<'a> {
    pub name: &'a str,
    pub bytes: Vec<u8>,
}

/// A fixture of `tests/fixtures/documents`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/documents/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The body of a multipart form: `fields` first (as the page orders them: tokens first),
/// then each file in the field `documents`.
pub fn multipart_body(fields: &[(&str, &str)], files: &[Upload<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    for file in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                file.name
            )
            .as_bytes(),
        );
        body.extend_from_slice(&file.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A download: status, the headers that matter, the bytes.
pub struct Download {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub csp: String,
    pub nosniff: bool,
    pub bytes: Vec<u8>,
}

impl TestApp {
    /// A same-origin multipart post.
    pub async fn post_multipart(&self, path: &str, fields: &[(&str, &str)], files: &[Upload<'_>], cookie: Option<&str>) -> Page {
        self.post_multipart_body(path, multipart_body(fields, files), cookie).await
    }

    /// A same-origin multipart post of a body as given (cut short, say).
    pub async fn post_multipart_body(&self, path: &str, body: Vec<u8>, cookie: Option<&str>) -> Page {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .header("sec-fetch-site", "same-origin")
            .body(body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        super::page::into_page(req.send().await.unwrap()).await
    }

    /// The intake form with files, on a fresh token.
    pub async fn post_intake_with_files(&self, fields: &[(&str, String)], files: &[Upload<'_>]) -> Page {
        let token = self.form_token().await;
        self.post_intake_files_on(&token, fields, &[], files).await
    }

    /// The intake form on `token`, with the documents kept from an earlier post and files.
    pub async fn post_intake_files_on(&self, token: &str, fields: &[(&str, String)], keep: &[&str], files: &[Upload<'_>]) -> Page {
        let mut pairs: Vec<(&str, &str)> = vec![("form_token", token)];
        pairs.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        pairs.extend(keep.iter().map(|id| ("keep_document", *id)));
        self.post_multipart("/", &pairs, files, None).await
    }

    /// Downloads `path` with a cookie.
    pub async fn download(&self, path: &str, cookie: &str) -> Download {
        let response = self.client.get(self.url(path)).header("cookie", cookie).send().await.unwrap();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let (status, content_type, disposition, csp) =
            (response.status().as_u16(), header("content-type"), header("content-disposition"), header("content-security-policy"));
        let nosniff = header("x-content-type-options") == "nosniff";
        let bytes = response.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        Download { status, content_type, disposition, csp, nosniff, bytes }
    }
}
