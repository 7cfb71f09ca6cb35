//! The site's built files under `/pkg`: the islands' WASM bundle, its loader and the
//! stylesheet. Release builds name them by their content and write brotli and gzip copies
//! beside them (`cargo leptos build --release --precompress`), so they are sent compressed
//! as the browser accepts and kept by it for a year without asking again.

use crate::server::AppState;
use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// For files named by their content: a new build has new names, so a kept copy never goes
/// stale.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `/pkg/*` from the site root. With unhashed names (a development build) the files are
/// revalidated on each use instead.
pub fn pkg_routes(state: &AppState) -> Router<AppState> {
    let options = &state.leptos_options;
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = HeaderValue::from_static(if options.hash_files { IMMUTABLE } else { "no-cache" });
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new().nest_service("/pkg", files).layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, cache))
}

/// Whether the build beside this binary named its files by their content (cargo-leptos
/// writes `hash.txt` next to the binary it builds).
pub fn hashed_build() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file())).unwrap_or(false)
}
