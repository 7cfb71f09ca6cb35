//! The `embassy-desk` binary: `serve` (the default), `migrate`, `keygen`, `create-admin`,
//! `seed` and `audit verify`.

/// The server allocates and frees many small buffers per request from several threads
/// (rows, views, HTML); mimalloc handles that with less contention than the system allocator.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    embassy_desk::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser side has no binary; see `hydrate()` in lib.rs.
}
