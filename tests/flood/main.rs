//! Flood benchmark (`.ci/bench-flood`): one client floods the desk at the rate the machine
//! allows with (a) replays of one intake post, (b) junk follow-up codes and (c) random
//! staff logins, while real people go on: requesters send new forms and come back with
//! their code, volunteers sign in with password and second factor and read their queue.
//! Phases without and with the flood alternate; for each kind of real request it prints
//! how many succeeded and the ratio of its p99 under the flood to its p99 without.
//!
//! Does nothing unless `EMBASSY_DESK_FLOOD_URL` is set, so `cargo test` passes over it.
//!
//! Settings (environment): `EMBASSY_DESK_FLOOD_URL` (base URL), `FLOOD_INVITES` (a file of
//! volunteer invitation links, one per line: volunteers sign in in turn, each at most once
//! per 30-second code), `FLOOD_SECS` (seconds per phase, default 30), `FLOOD_ROUNDS`
//! (default 2), `FLOOD_CONNECTIONS` (the flood's connections per kind, default 16).
//!
//! Prints, per real kind: `real <kind> <ok> <failed> <p99 ms alone> <p99 ms flooded> <ratio>`,
//! and per flood kind: `flood <kind> <requests/s> <answers other than the expected>`.

use embassy_desk::server::staff::totp;
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

const PASSWORD: &str = "a calm flood benchmark passphrase";

fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("sec-fetch-site", "same-origin".parse().expect("a header value"));
    headers.insert("accept-language", "en".parse().expect("a header value"));
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build().expect("a client")
}

/// The text of the element with `id` (up to its next tag), or of an input's value.
fn text_of(body: &str, id: &str) -> Option<String> {
    let at = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(rest[start..start + end].trim().to_owned())
}

fn input_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let tag_start = body[..at].rfind('<')?;
    let tag = &body[tag_start..tag_start + body[tag_start..].find('>')?];
    let v = tag.find("value=\"")? + 7;
    Some(tag[v..v + tag[v..].find('"')?].to_owned())
}

fn desk_cookie(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        let pair = c.split(';').next()?;
        (pair.contains("desk") && !pair.ends_with('=')).then(|| pair.to_owned())
    })
}

fn intake_form(token: &str) -> Vec<(&'static str, String)> {
    [
        ("categories", "legal_status"),
        ("categories", "housing"),
        ("country", "PL"),
        ("city", "Białystok"),
        ("legal_status", "visa"),
        ("permit_expiry", "2030-01-31"),
        ("household_size", "3"),
        ("children_count", "1"),
        ("description", "Мне трэба дапамога з картай побыту."),
        ("name", "Алеся"),
        ("language", "be"),
        ("contact_channel", "signal"),
        ("contact_handle", "+48 600 100 200"),
        ("consent", "yes"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .chain([("form_token", token.to_owned())])
    .collect()
}

/// The code of `secret` at `step`, as the volunteer's authenticator app shows it.
fn totp_at(secret: &[u8], step: i64) -> String {
    totp::code_at(&totp::TotpSecret::from_bytes(secret).expect("a secret of the desk's length"), step)
}

fn step_now() -> i64 {
    totp::step_of(embassy_desk::server::db::now())
}

struct Volunteer {
    login: String,
    secret: Vec<u8>,
    last_step: i64,
}

/// Joins with an invitation link and enrols the second factor; returns the volunteer and
/// the full session's cookie.
async fn join(client: &reqwest::Client, base: &str, link: &str, n: usize) -> (Volunteer, String) {
    let token = link.rsplit("/desk/join/").next().expect("an invitation link");
    let login = format!("flood-volunteer-{n}");
    let joined = client
        .post(format!("{base}/desk/join/{token}"))
        .form(&[("login", login.as_str()), ("password", PASSWORD), ("password_again", PASSWORD)])
        .send()
        .await
        .expect("joining");
    let half = desk_cookie(&joined).unwrap_or_else(|| panic!("joined without a session: {}", joined.status()));
    let page =
        client.get(format!("{base}/desk/second-factor")).header("cookie", &half).send().await.expect("the enrolment page").text().await.unwrap_or_default();
    let secret_text: String = text_of(&page, "totp-secret").expect("the enrolment page shows the secret").chars().filter(|c| !c.is_whitespace()).collect();
    let secret = totp_rs::Secret::Encoded(secret_text).to_bytes().expect("a base32 secret");
    let step = step_now();
    let done =
        client.post(format!("{base}/desk/second-factor")).header("cookie", &half).form(&[("code", totp_at(&secret, step))]).send().await.expect("enrolling");
    let full = desk_cookie(&done).expect("enrolled");
    (Volunteer { login, secret, last_step: step }, full)
}

/// Latencies and failures of one kind of real request in one phase.
#[derive(Default)]
struct Record {
    ok: Vec<Duration>,
    failed: u64,
}

type Records = Arc<Mutex<HashMap<(&'static str, bool), Record>>>;

fn note(records: &Records, kind: &'static str, flooded: bool, took: Duration, ok: bool) {
    let mut records = records.lock().expect("not poisoned");
    let record = records.entry((kind, flooded)).or_default();
    if ok {
        record.ok.push(took);
    } else {
        record.failed += 1;
    }
}

async fn real_intake(client: &reqwest::Client, base: &str) -> bool {
    let Ok(page) = client.get(format!("{base}/")).send().await else { return false };
    let Some(token) = input_value(&page.text().await.unwrap_or_default(), "form_token") else { return false };
    client.post(format!("{base}/")).form(&intake_form(&token)).send().await.is_ok_and(|r| r.status() == 201)
}

async fn real_follow_up(client: &reqwest::Client, base: &str, reference: &str, code: &str) -> bool {
    let answer = client.post(format!("{base}/follow-up")).form(&[("reference", reference), ("code", code)]).send().await;
    answer.is_ok_and(|r| r.status() == 303 && r.headers().get("location").is_some_and(|l| l == "/follow-up/case"))
}

async fn real_sign_in(client: &reqwest::Client, base: &str, volunteer: &Volunteer, step: i64) -> bool {
    let Ok(first) = client.post(format!("{base}/desk/login")).form(&[("login", volunteer.login.as_str()), ("password", PASSWORD)]).send().await else {
        return false;
    };
    let Some(half) = desk_cookie(&first).filter(|_| first.status() == 303) else { return false };
    let second = client.post(format!("{base}/desk/second-factor")).header("cookie", half).form(&[("code", totp_at(&volunteer.secret, step))]).send().await;
    second.is_ok_and(|r| r.status() == 303 && r.headers().get("location").is_some_and(|l| l == "/desk"))
}

fn main() {
    let Ok(base) = std::env::var("EMBASSY_DESK_FLOOD_URL") else {
        println!("flood: not run (set EMBASSY_DESK_FLOOD_URL; see .ci/bench-flood)");
        return;
    };
    let invites: Vec<String> = std::fs::read_to_string(var("FLOOD_INVITES", ""))
        .expect("FLOOD_INVITES names a file of invitation links")
        .lines()
        .filter(|l| l.contains("/desk/join/"))
        .map(str::to_owned)
        .collect();
    let secs: u64 = var("FLOOD_SECS", "30").parse().expect("FLOOD_SECS is a number");
    let rounds: usize = var("FLOOD_ROUNDS", "2").parse().expect("FLOOD_ROUNDS is a number");
    let connections: usize = var("FLOOD_CONNECTIONS", "16").parse().expect("FLOOD_CONNECTIONS is a number");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    runtime.block_on(async move {
        let client = client();
        let mut volunteers = Vec::new();
        let mut queue_cookie = String::new();
        for (n, link) in invites.iter().enumerate() {
            let (volunteer, cookie) = join(&client, &base, link, n).await;
            volunteers.push(volunteer);
            queue_cookie = cookie;
        }
        assert!(volunteers.len() >= 2, "at least two invitations");
        // A real requester's reference and code, and one sent form to replay.
        let page = client.get(format!("{base}/")).send().await.expect("the form").text().await.unwrap_or_default();
        let receipt = client.post(format!("{base}/")).form(&intake_form(&input_value(&page, "form_token").expect("a token"))).send().await.expect("intake");
        let receipt = receipt.text().await.unwrap_or_default();
        let reference = text_of(&receipt, "receipt-reference").expect("a reference");
        let code = text_of(&receipt, "receipt-code").expect("a code");
        let page = client.get(format!("{base}/")).send().await.expect("the form").text().await.unwrap_or_default();
        let replayed = intake_form(&input_value(&page, "form_token").expect("a token"));
        assert_eq!(client.post(format!("{base}/")).form(&replayed).send().await.expect("intake").status(), 201);

        let records: Records = Arc::default();
        let volunteers = Arc::new(Mutex::new(volunteers));
        let flood_counts: Arc<[AtomicU64; 6]> = Arc::new(Default::default());
        let mut flood_secs = 0.0;
        for round in 0..rounds {
            for flooded in [false, true] {
                eprintln!("round {}: {}", round + 1, if flooded { "flooded" } else { "alone" });
                let stop = Arc::new(AtomicBool::new(false));
                let mut tasks = Vec::new();
                if flooded {
                    for kind in 0..3 {
                        for c in 0..connections {
                            let (client, base, stop, counts, replayed) = (client.clone(), base.clone(), stop.clone(), flood_counts.clone(), replayed.clone());
                            tasks.push(tokio::spawn(async move {
                                let mut i = c as u64 * 1_000_003;
                                while !stop.load(Ordering::Relaxed) {
                                    i += 1;
                                    let (request, expected) = match kind {
                                        0 => (client.post(format!("{base}/")).form(&replayed), 409),
                                        1 => {
                                            let junk = format!("{:05}-{:05}", i % 100_000, (i * 7919) % 100_000).replace(['O', 'I', 'L'], "1");
                                            (client.post(format!("{base}/follow-up")).form(&[("reference", junk), ("code", format!("{:025}", i))]), 422)
                                        }
                                        _ => (
                                            client.post(format!("{base}/desk/login")).form(&[("login", format!("sprayed-{i}")), ("password", "guess".into())]),
                                            422,
                                        ),
                                    };
                                    let status = request.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                                    counts[kind * 2].fetch_add(1, Ordering::Relaxed);
                                    if status != expected {
                                        counts[kind * 2 + 1].fetch_add(1, Ordering::Relaxed);
                                    }
                                }
                            }));
                        }
                    }
                    // Let the flood build up before measuring.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                let began = Instant::now();
                for kind in ["intake", "follow-up", "sign-in", "queue page"] {
                    let (client, base, stop, records) = (client.clone(), base.clone(), stop.clone(), records.clone());
                    let (reference, code, cookie, volunteers) = (reference.clone(), code.clone(), queue_cookie.clone(), volunteers.clone());
                    tasks.push(tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            let started = Instant::now();
                            let ok = match kind {
                                "intake" => real_intake(&client, &base).await,
                                "follow-up" => real_follow_up(&client, &base, &reference, &code).await,
                                "sign-in" => {
                                    let step = step_now();
                                    let picked = {
                                        let mut all = volunteers.lock().expect("not poisoned");
                                        all.iter_mut().find(|v| v.last_step < step).map(|v| {
                                            v.last_step = step;
                                            Volunteer { login: v.login.clone(), secret: v.secret.clone(), last_step: step }
                                        })
                                    };
                                    let Some(volunteer) = picked else {
                                        tokio::time::sleep(Duration::from_millis(200)).await;
                                        continue;
                                    };
                                    let started = Instant::now();
                                    let ok = real_sign_in(&client, &base, &volunteer, step).await;
                                    note(&records, kind, flooded, started.elapsed(), ok);
                                    continue;
                                }
                                _ => client.get(format!("{base}/desk")).header("cookie", &cookie).send().await.is_ok_and(|r| r.status() == 200),
                            };
                            note(&records, kind, flooded, started.elapsed(), ok);
                        }
                    }));
                }
                tokio::time::sleep(Duration::from_secs(secs)).await;
                stop.store(true, Ordering::Relaxed);
                if flooded {
                    flood_secs += began.elapsed().as_secs_f64() + 2.0;
                }
                for task in tasks {
                    let _ = task.await;
                }
            }
        }
        let records = records.lock().expect("not poisoned");
        let p99 = |record: &Record| {
            let mut sorted = record.ok.clone();
            sorted.sort();
            sorted.get((sorted.len() * 99).div_ceil(100).saturating_sub(1)).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        for kind in ["intake", "follow-up", "sign-in", "queue page"] {
            let (alone, flooded) = (&records[&(kind, false)], &records[&(kind, true)]);
            let ok = alone.ok.len() + flooded.ok.len();
            let failed = alone.failed + flooded.failed;
            let (a, f) = (p99(alone), p99(flooded));
            println!("real {} {ok} {failed} {a:.1} {f:.1} {:.2}", kind.replace(' ', "-"), if a > 0.0 { f / a } else { 0.0 });
        }
        for (kind, name) in ["intake-replays", "junk-follow-ups", "random-logins"].iter().enumerate() {
            let sent = flood_counts[kind * 2].load(Ordering::Relaxed);
            let other = flood_counts[kind * 2 + 1].load(Ordering::Relaxed);
            println!("flood {name} {:.1} {other}", sent as f64 / flood_secs.max(1.0));
        }
    });
}
