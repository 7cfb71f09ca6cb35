//! Load generator of the desk benchmark (`.ci/bench-desk`): `LOAD_CONCURRENCY` clients each
//! send requests back to back (a closed loop) to the paths of `LOAD_PATHS` in turn, for
//! `LOAD_SECS` seconds after a warm-up of two, and it prints how many were answered per
//! second. Throughput measured this way is compared within one run (a page against the
//! floor, 10k cases against a million, one build against another), never against a
//! figure from another day.
//!
//! Does nothing unless `EMBASSY_DESK_LOAD_URL` is set, so `cargo test` passes over it.
//!
//! Settings (environment): `EMBASSY_DESK_LOAD_URL` (base URL), `LOAD_COOKIE` (a `Cookie`
//! header), `LOAD_PATHS` (comma-separated paths), `LOAD_CONCURRENCY` (clients, default 4),
//! `LOAD_SECS` (seconds measured, default 10).
//!
//! Prints one line: `throughput <requests per second> <requests> <errors>`. A request is
//! an error unless it is answered 200 with its whole body.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn main() {
    let Ok(base) = std::env::var("EMBASSY_DESK_LOAD_URL") else {
        println!("load: not run (set EMBASSY_DESK_LOAD_URL; see .ci/bench-desk)");
        return;
    };
    let cookie = var("LOAD_COOKIE", "");
    let paths: Arc<Vec<String>> = Arc::new(var("LOAD_PATHS", "/desk").split(',').map(str::to_owned).collect());
    let clients: usize = var("LOAD_CONCURRENCY", "4").parse().expect("LOAD_CONCURRENCY is a number");
    let secs: u64 = var("LOAD_SECS", "10").parse().expect("LOAD_SECS is a number");
    // One thread: the generator shares the machine with the server and should take little.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async move {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
        let counting = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (done, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let workers: Vec<_> = (0..clients)
            .map(|c| {
                let (client, base, cookie, paths) = (client.clone(), base.clone(), cookie.clone(), paths.clone());
                let (counting, stop, done, errors) = (counting.clone(), stop.clone(), done.clone(), errors.clone());
                tokio::spawn(async move {
                    let mut i = c;
                    while !stop.load(Ordering::Relaxed) {
                        let path = &paths[i % paths.len()];
                        i += 1;
                        let request = client.get(format!("{base}{path}")).header("cookie", &cookie).header("accept-language", "en");
                        let ok = match request.send().await {
                            Ok(response) => response.status() == reqwest::StatusCode::OK && response.bytes().await.is_ok(),
                            Err(_) => false,
                        };
                        if counting.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
                            done.fetch_add(1, Ordering::Relaxed);
                            errors.fetch_add(u64::from(!ok), Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        counting.store(true, Ordering::Relaxed);
        let start = Instant::now();
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        let wall = start.elapsed().as_secs_f64();
        for w in workers {
            let _ = w.await;
        }
        let (done, errors) = (done.load(Ordering::Relaxed), errors.load(Ordering::Relaxed));
        println!("throughput {:.1} {done} {errors}", done as f64 / wall);
    });
}
