//! The `embassy-desk` binary: `serve` (the default), `migrate`, `keygen`, `create-admin`,
//! `seed` and `audit verify`.

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    embassy_desk::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser side has no binary; see `hydrate()` in lib.rs.
}
