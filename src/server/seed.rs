//! Synthetic but realistic cases for demos and benchmarks. They go through the same
//! sealing code as real intake ([`cases::seal`]); generation and sealing run on a separate
//! thread while batches are written, one transaction (with its audit row) per batch.

use crate::domain::AuditAction;
use crate::domain::{Category, Priority, Status};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{self, CaseField, NewCase, SealedCase},
    crypto::Keyring,
    db::{self, embassies::EmbassyQueues, now, Db, DbError},
};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use std::{sync::Arc, time::Instant};
use zeroize::Zeroizing;

/// Cases per transaction.
const BATCH: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("unknown embassy code {0:?}: give the ISO 3166-1 codes of host countries, e.g. pl,lt")]
    UnknownEmbassy(String),
    #[error("give at least one embassy")]
    NoEmbassy,
    #[error(transparent)]
    Db(#[from] DbError),
}

const FIRST_NAMES: &[&str] = &[
    "Аляксандр",
    "Алена",
    "Siarhei",
    "Volha",
    "Дзмітрый",
    "Таццяна",
    "Andrei",
    "Nasta",
    "Максім",
    "Ірына",
    "Pavel",
    "Hanna",
    "Ігар",
    "Вольга",
    "Mikalai",
    "Katsiaryna",
    "Uladzimir",
    "Марына",
    "Aliaksei",
    "Юлія",
];
const LAST_NAMES: &[&str] = &[
    "Kavaleŭ",
    "Навумчык",
    "Shushkevich",
    "Лукашэвіч",
    "Bialiatski",
    "Каваленка",
    "Marozava",
    "Цішкевіч",
    "Hrynevich",
    "Жукоўская",
    "Sapega",
    "Карпенка",
    "Dziamidava",
    "Шпакоўскі",
    "Lahvinets",
    "Семашка",
];
const CITIES: &[(&str, &[&str])] = &[
    ("pl", &["Warszawa", "Białystok", "Kraków", "Gdańsk", "Wrocław", "Lublin"]),
    ("lt", &["Vilnius", "Kaunas", "Klaipėda"]),
    ("de", &["Berlin", "München", "Hamburg", "Frankfurt am Main"]),
    ("cz", &["Praha", "Brno", "Ostrava"]),
];
const STORIES: &[&str] = &[
    "Мой пашпарт скончыўся ў мінулым месяцы, у консульстве новы не выдаюць. Патрэбна дапамога з дакументамі для падачы на карту побыту.",
    "Я приехал три недели назад, живу у знакомых, но до конца месяца нужно съехать. У нас двое детей.",
    "I received a negative decision on my asylum application and have 14 days to appeal. I need a lawyer who speaks Russian.",
    "Мне патрэбна даверанасць для продажу кватэры ў Мінску, але я не магу вярнуцца. Як зрабіць апастыль?",
    "Ищу работу по специальности (инженер-программист), нужна помощь с признанием диплома и разрешением на работу.",
    "My residence permit expires soon and the office asks for a document from Belarus that I cannot get.",
    "После задержания у меня проблемы со сном и тревога. Хотела бы поговорить с психологом на русском языке.",
    "We left with nothing and need money for the first rent and for food until my first salary.",
];
const CHANNELS: &[&str] = &["site", "signal", "telegram", "email", "phone"];
const LANGUAGES: &[&str] = &["ru", "ru", "ru", "be", "be", "en"];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty list")
}

/// When a seeded case got its first response, was resolved and closed, by its status.
struct Progress {
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
}

fn progress(rng: &mut StdRng, status: Status, created_at: i64, sla_hours: i64, started: i64) -> Progress {
    let responded = status != Status::New;
    let first_response_at = responded.then(|| (created_at + rng.gen_range(sla_hours * 360..=sla_hours * 7200)).min(started));
    let finished = matches!(status, Status::Resolved | Status::Closed);
    let resolved_at = first_response_at.filter(|_| finished).map(|at| (at + rng.gen_range(3600..=45 * 86400)).min(started));
    let closed_at = resolved_at.filter(|_| status == Status::Closed).map(|at| (at + rng.gen_range(0..=14 * 86400)).min(started));
    Progress { first_response_at, resolved_at, closed_at }
}

fn synthetic_case(rng: &mut StdRng, embassy: &EmbassyQueues, started: i64) -> (NewCase, Status, Progress) {
    let how_many = rng.gen_range(1..=3);
    let mut categories: Vec<Category> = Category::ALL.choose_multiple(rng, how_many).copied().collect();
    categories.sort();
    let priority = match rng.gen_range(0..100) {
        0..5 => Priority::Urgent,
        5..25 => Priority::High,
        25..90 => Priority::Normal,
        _ => Priority::Low,
    };
    // Spread over the past year; older cases are more often finished.
    let age = rng.gen_range(0..365 * 24 * 3600);
    let created_at = started - age;
    let finished_share = age * 100 / (365 * 24 * 3600);
    let status = match rng.gen_range(0..100) {
        n if n < finished_share / 2 => Status::Closed,
        n if n < finished_share => Status::Resolved,
        n if n < finished_share + 10 => Status::InProgress,
        n if n < finished_share + 15 => Status::WaitingForRequester,
        n if n < finished_share + 25 => Status::Triaged,
        _ => Status::New,
    };
    let city = CITIES.iter().find(|(code, _)| *code == embassy.code).map_or("—", |(_, cities)| *pick(rng, cities));
    let channel = *pick(rng, CHANNELS);
    let handle = match channel {
        "site" => String::new(),
        "email" => format!("user{}@example.org", rng.gen_range(1000..99999)),
        _ => format!("+48 5{:02} {:03} {:03}", rng.gen_range(0..100), rng.gen_range(0..1000), rng.gen_range(0..1000)),
    };
    let answers = serde_json::json!({
        "current_status": pick(rng, &["visa", "residence_permit", "asylum_pending", "none"]),
        "deadline": if priority == Priority::Urgent { Some("2026-12-01") } else { None },
        "household_size": rng.gen_range(1..6),
    });
    let new = NewCase {
        queue_id: embassy.queue_for(categories.first().copied()).to_owned(),
        embassy_id: embassy.embassy_id.clone(),
        categories,
        priority,
        language: (*pick(rng, LANGUAGES)).to_owned(),
        created_at,
        first_response_due_at: Some(created_at + priority.first_response_hours() * 3600),
        fields: vec![
            (CaseField::RequesterName, Zeroizing::new(format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)))),
            (CaseField::Contact, Zeroizing::new(format!("{channel} {handle}").trim().to_owned())),
            (CaseField::City, Zeroizing::new(city.to_owned())),
            (CaseField::Narrative, Zeroizing::new((*pick(rng, STORIES)).to_owned())),
            (CaseField::Answers, Zeroizing::new(answers.to_string())),
        ],
    };
    let progress = progress(rng, status, created_at, priority.first_response_hours(), started);
    (new, status, progress)
}

/// Creates the embassies, then `count` cases spread over them. Prints progress to stderr.
pub async fn run(db: &Db, keyring: &Arc<Keyring>, count: u64, embassy_codes: &[String]) -> Result<(), SeedError> {
    if embassy_codes.is_empty() {
        return Err(SeedError::NoEmbassy);
    }
    let mut embassies = Vec::new();
    let mut tx = db.begin().await?;
    for (i, code) in embassy_codes.iter().enumerate() {
        let code = code.trim().to_ascii_lowercase();
        let country = code.to_ascii_uppercase();
        if !crate::domain::countries::is_host(&country) {
            return Err(SeedError::UnknownEmbassy(code.clone()));
        }
        let name = db::embassies::Names::default_for(&country).en;
        embassies.push(crate::server::team::ensure_embassy(&mut tx, keyring, "cli", &code, &country, &name, i == 0).await?);
    }
    tx.commit().await.map_err(DbError::from)?;

    let started = Instant::now();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<SealedCase>>(4);
    let producer = {
        let keyring = Arc::clone(keyring);
        std::thread::spawn(move || {
            let mut rng = StdRng::from_entropy();
            let at = now();
            let mut left = count;
            while left > 0 {
                let n = left.min(BATCH as u64) as usize;
                let batch = (0..n)
                    .map(|_| {
                        let embassy = pick(&mut rng, &embassies);
                        let (new, status, progress) = synthetic_case(&mut rng, embassy, at);
                        let mut sealed = cases::seal(&keyring, new);
                        sealed.status = status;
                        sealed.first_response_at = progress.first_response_at;
                        sealed.resolved_at = progress.resolved_at;
                        sealed.closed_at = progress.closed_at;
                        sealed
                    })
                    .collect();
                if sender.blocking_send(batch).is_err() {
                    return;
                }
                left -= n as u64;
            }
        })
    };

    let mut written = 0u64;
    let mut next_report = count / 10;
    while let Some(mut batch) = receiver.recv().await {
        write_batch(db, keyring, &mut batch).await?;
        written += batch.len() as u64;
        if written >= next_report || written == count {
            let secs = started.elapsed().as_secs_f64();
            eprintln!("seeded {written}/{count} cases ({:.0} cases/s)", written as f64 / secs.max(0.001));
            next_report += (count / 10).max(1);
        }
    }
    let _ = producer.join();
    // A bulk load leaves PostgreSQL without statistics and without a visibility map, so its
    // index-only scans would still read every heap page until autovacuum came by.
    if db.backend() == crate::server::config::Backend::Postgres {
        sqlx::query("VACUUM ANALYZE").execute(db.pool()).await.map_err(DbError::from)?;
    }
    println!("seeded {written} cases in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn write_batch(db: &Db, keyring: &Keyring, batch: &mut [SealedCase]) -> Result<(), DbError> {
    let mut tx = cases::begin_with_cases(db, batch).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new("cli", AuditAction::CaseSeed, None, Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}
