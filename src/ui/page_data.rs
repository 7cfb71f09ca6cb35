//! How a desk page's data travels inside the page for hydration.
//!
//! Leptos writes each resolved resource into the page as a JavaScript string literal made
//! with Rust's `Debug` formatting, one character at a time. As JSON, the queue page's data
//! was 18 088 characters with 1 028 quotes to escape, 13 % of the page's instructions.
//! [`PageData`] writes the same values with postcard, a compact binary form of their serde
//! derives, which Leptos carries as base64: 7 282 characters and nothing to escape (figures
//! in the README, "The data a page carries for hydration").
//!
//! The five desk pages whose data is large (queue, case, team, dashboard, audit) load through
//! [`page_resource`]. The other pages (intake, follow-up, sign-in, invitation, second factor)
//! keep Leptos's JSON: they carry a form, a sign-in or one requester's thread, far less.

use leptos::{
    prelude::Resource,
    server::codee::{Decoder, Encoder},
};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// A desk page's load: `fetcher` of what `source` tracks, carried in the page as [`PageData`]
/// for the browser to hydrate from. The page streams as any other: its first bytes do not
/// wait for the load.
#[track_caller]
pub fn page_resource<S, T, Fut>(source: impl Fn() -> S + Send + Sync + 'static, fetcher: impl Fn(S) -> Fut + Send + Sync + 'static) -> Resource<T, PageData>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// The serde values as postcard bytes (carried in the page as base64).
///
/// Postcard is not self-describing: a type read this way must not depend on knowing its
/// input's shape (no `untagged`, `flatten` or `skip_serializing_if`). `tests/api/desk.rs`
/// reads every desk page's data back out of its HTML; in the browser, data that fails to
/// read is loaded again from the server, which the browser test checks does not happen.
pub struct PageData;

impl<T: Serialize> Encoder<T> for PageData {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageData {
    type Error = postcard::Error;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, postcard::Error> {
        postcard::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server::{FromEncodedStr, IntoEncodedString};

    /// What the page carries for `value`, read back.
    fn carried<T: Serialize + DeserializeOwned>(value: &T) -> (String, T) {
        let text = <PageData as Encoder<T>>::encode(value).unwrap().into_encoded_string();
        let bytes = <[u8] as FromEncodedStr>::from_encoded_str(&text).unwrap();
        let back = <PageData as Decoder<T>>::decode(&bytes).unwrap();
        (text, back)
    }

    /// Nothing in what a page carries needs escaping in a script.
    #[test]
    fn page_data_is_plain_base64() {
        let (text, back) = carried(&("Зміцер \"<script>\" \\ ".to_owned(), -3i64, Some(2u8)));
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'), "{text}");
        assert_eq!(format!("{text:?}"), format!("\"{text}\""));
        assert_eq!(back, ("Зміцер \"<script>\" \\ ".to_owned(), -3, Some(2)));
    }
}
