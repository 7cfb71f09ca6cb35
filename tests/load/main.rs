//! Load generator for the desk's pages, run by `.ci/bench-desk` against a served release
//! build. Requests start at a fixed rate whatever the answers do (an open loop), and each
//! latency is measured from the moment its request was due, so a server that falls behind
//! shows it instead of slowing the generator down.
//!
//! Does nothing unless `EMBASSY_DESK_LOAD_URL` is set, so `cargo test` passes over it.
//!
//! Settings (environment): `EMBASSY_DESK_LOAD_URL` (base URL), `LOAD_COOKIE` (a `Cookie`
//! header), `LOAD_PATHS` (comma-separated paths, requested in turn), `LOAD_RATE` (requests
//! per second, default 500), `LOAD_SECS` (seconds measured, default 30; the first 3 seconds
//! before them warm up and are not counted), `LOAD_METHOD` (`GET`, the default, or `POST`:
//! each path's query string is then sent as a form body, as a server function call is).
//!
//! With `LOAD_OPEN_CASES` (comma-separated case ids) instead, it opens those cases in
//! turn without HTTP, in this process, on the database and key file the `EMBASSY_DESK_*`
//! settings name: what the case page's server function does for each call (the session of
//! `LOAD_COOKIE`, [`desk::view_case`] with its audit row), one at a time at `LOAD_RATE`, each latency again
//! from the moment it was due. That is the cost of opening a case, apart from the HTTP round
//! trip and the generator around it.
//!
//! With `LOAD_SEAL_SIZES` (comma-separated byte counts) instead, it times sealing and opening
//! one value of each size with a case's key, as the desk does for every answer, name and
//! message: the median of five rounds of at least a quarter of a second each.

use std::time::{Duration, Instant};

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn main() {
    if let Ok(sizes) = std::env::var("LOAD_SEAL_SIZES") {
        return seal_sizes(sizes.split(',').map(|s| s.trim().parse().expect("LOAD_SEAL_SIZES are byte counts")).collect());
    }
    if let Ok(ids) = std::env::var("LOAD_OPEN_CASES") {
        return open_cases(ids.split(',').map(str::to_owned).collect());
    }
    let Ok(base) = std::env::var("EMBASSY_DESK_LOAD_URL") else {
        println!("load: not run (set EMBASSY_DESK_LOAD_URL; see .ci/bench-desk)");
        return;
    };
    let cookie = var("LOAD_COOKIE", "");
    let paths: Vec<String> = var("LOAD_PATHS", "/desk").split(',').map(str::to_owned).collect();
    let rate: u64 = var("LOAD_RATE", "500").parse().expect("LOAD_RATE is a number");
    let secs: u64 = var("LOAD_SECS", "30").parse().expect("LOAD_SECS is a number");
    let post = var("LOAD_METHOD", "GET").eq_ignore_ascii_case("POST");
    let warmup = 3;
    // One thread: the generator shares the machine with the server and should take little.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).pool_max_idle_per_host(64).build().unwrap();
        let period = Duration::from_nanos(1_000_000_000 / rate);
        let total = rate * (secs + warmup);
        let start = Instant::now() + Duration::from_millis(100);
        // The schedule is kept by a thread of its own: the runtime's timer rounds every sleep
        // up to its next millisecond, which would count up to a millisecond of the
        // generator's own lateness into each latency. A thread's sleep wakes within tens of
        // microseconds; how late each request still left is reported as the generator's lag.
        let (due_tx, mut due_rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for i in 0..total {
                let due = start + period * i as u32;
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                if due_tx.send((i, due)).is_err() {
                    break;
                }
            }
        });
        let mut tasks = Vec::with_capacity(total as usize);
        let mut lags = Vec::with_capacity(total as usize);
        while let Some((i, due)) = due_rx.recv().await {
            if i >= rate * warmup {
                lags.push(due.elapsed());
            }
            let path = &paths[i as usize % paths.len()];
            let request = if post {
                let (to, form) = path.split_once('?').unwrap_or((path, ""));
                client
                    .post(format!("{base}{to}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("sec-fetch-site", "same-origin")
                    .body(form.to_owned())
            } else {
                client.get(format!("{base}{path}"))
            };
            let request = request.header("cookie", cookie.clone()).header("accept-language", "en");
            tasks.push(tokio::spawn(async move {
                let ok = match request.send().await {
                    Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                (i >= rate * warmup, ok, due.elapsed())
            }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0u64;
        for task in tasks {
            let (counted, ok, latency) = task.await.unwrap();
            if counted {
                latencies.push(latency);
                errors += u64::from(!ok);
            }
        }
        let wall = start.elapsed().as_secs_f64() - warmup as f64;
        latencies.sort();
        lags.sort();
        println!(
            "{} requests to {} ({} path{}) at {rate}/s over {wall:.1} s: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {errors} errors; sent late by p50 {:.2} ms, p99 {:.2} ms",
            latencies.len(),
            paths[0],
            paths.len(),
            if paths.len() == 1 { "" } else { "s in turn" },
            percentile(&latencies, 50.0),
            percentile(&latencies, 90.0),
            percentile(&latencies, 99.0),
            percentile(&latencies, 100.0),
            percentile(&lags, 50.0),
            percentile(&lags, 99.0),
        );
    });
}

/// Opens the cases `ids` in turn at `LOAD_RATE` for `LOAD_SECS` (after 3 seconds of
/// warm-up) without HTTP, and prints the latencies as the HTTP mode does.
fn open_cases(ids: Vec<String>) {
    use embassy_desk::server::{config::Config, desk, staff, startup};
    let cookie = var("LOAD_COOKIE", "");
    let token = cookie.trim().strip_prefix("desk=").expect("LOAD_COOKIE is the desk's session cookie, desk=…").to_owned();
    let rate: u64 = var("LOAD_RATE", "50").parse().expect("LOAD_RATE is a number");
    let secs: u64 = var("LOAD_SECS", "30").parse().expect("LOAD_SECS is a number");
    let warmup = 3;
    let runtime = embassy_desk::server::runtime_builder().build().unwrap();
    runtime.block_on(async move {
        let config = Config::from_env().expect("the EMBASSY_DESK_* settings of the benchmark's server");
        let (keyring, _) = startup::open_keyring(&config).expect("the key file");
        let db = startup::open_db(&config).await.expect("the database");
        let period = Duration::from_nanos(1_000_000_000 / rate);
        let total = rate * (secs + warmup);
        let start = Instant::now() + Duration::from_millis(100);
        let mut latencies = Vec::with_capacity((rate * secs) as usize);
        for i in 0..total {
            let due = start + period * i as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                // A thread's sleep: the runtime's timer would round up to a millisecond.
                std::thread::sleep(wait);
            }
            let id = &ids[i as usize % ids.len()];
            // As the server function: the session, then the case with its audit row.
            let session = staff::resume(&db, &token).await.expect("the session").expect("a live session");
            desk::view_case(&db, &keyring, &session.staff, id).await.expect("the case opens");
            if i >= rate * warmup {
                latencies.push(due.elapsed());
            }
        }
        latencies.sort();
        println!(
            "{} case opens without HTTP ({} cases in turn) at {rate}/s: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            latencies.len(),
            ids.len(),
            percentile(&latencies, 50.0),
            percentile(&latencies, 90.0),
            percentile(&latencies, 99.0),
            percentile(&latencies, 100.0),
        );
    });
}

/// Times [`DataKey::seal`] and [`DataKey::open`] on a value of each of `sizes` bytes and
/// prints nanoseconds per call (the median of five rounds).
fn seal_sizes(sizes: Vec<usize>) {
    use embassy_desk::server::crypto::{DataKey, Place};
    use std::hint::black_box;
    let key = DataKey::generate();
    let place = Place { case: "6f1c0a52-3b5e-4c1d-9f0e-2a7b8c9d0e1f", table: "case_fields", column: "value", row: "narrative" };
    // Nanoseconds per call of `call`: rounds of at least 250 ms, the median of five.
    let time = |call: &mut dyn FnMut()| {
        let mut rounds: Vec<f64> = (0..5)
            .map(|_| {
                let (start, mut calls) = (Instant::now(), 0u64);
                while calls < 1000 || start.elapsed() < Duration::from_millis(250) {
                    call();
                    calls += 1;
                }
                start.elapsed().as_nanos() as f64 / calls as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        rounds[2]
    };
    for size in sizes {
        let plain = vec![b'x'; size];
        let sealed = key.seal(&place, &plain);
        let seal = time(&mut || drop(black_box(key.seal(black_box(&place), black_box(&plain)))));
        let open = time(&mut || drop(black_box(key.open(black_box(&place), black_box(&sealed)).expect("opens"))));
        println!("{size} bytes: seal {seal:.0} ns, open {open:.0} ns");
    }
}
