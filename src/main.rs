//! The `embassy-desk` binary: `serve` (the default) and the operator's subcommands
//! (`server::cli`).

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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    /// The server runs on mimalloc (docs/decisions/0004): a fresh allocation lies in its heap.
    #[test]
    fn mimalloc_is_the_global_allocator() {
        let boxed = Box::new([7u8; 64]);
        // SAFETY: the query only compares the address with mimalloc's heap regions; it does
        // not read or free the memory.
        let in_mimalloc = unsafe { libmimalloc_sys::mi_is_in_heap_region(boxed.as_ptr().cast()) };
        assert!(in_mimalloc, "the global allocator is not mimalloc");
    }
}
