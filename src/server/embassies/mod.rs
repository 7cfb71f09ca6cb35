//! Embassies in any country, the countries routed to them, and their queues.
//!
//! An admin opens an embassy in any country of ISO 3166-1, names it in Belarusian, Russian
//! and English, sets the time zone of its desk and routes further countries to it (Belgium
//! and Luxembourg to the embassy in the Netherlands, say); a country goes to one embassy at
//! most, and one routed nowhere goes to the default desk. An embassy's queues are kept by
//! its leads (admins: any embassy's): renamed, added (optionally taking a category from the
//! general queue) and retired, which first moves every case of the queue to another queue
//! of the embassy, with its volunteers. Each change is one transaction with its audit row.

pub mod load;

use crate::domain::{countries, AuditAction, Category, EventKind, Role, RuleCode};
use crate::server::change::ChangeError;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{
        self,
        embassies::{Names, GENERAL},
        now, Db, Tx,
    },
    staff::Staff,
};

/// Longest name of an embassy, in characters.
pub const NAME_MAX: usize = 120;
/// Longest name of a queue, in characters.
pub const QUEUE_NAME_MAX: usize = 60;

type Result<T> = std::result::Result<T, ChangeError>;

/// A name as typed, checked: one line of at most `max` characters; blank is `None`.
fn name(field: &'static str, typed: &str, max: usize) -> Result<Option<String>> {
    let typed = typed.trim();
    if typed.chars().count() > max {
        return Err(ChangeError::Invalid(field, RuleCode::TooLong));
    }
    if typed.chars().any(char::is_control) {
        return Err(ChangeError::Invalid(field, RuleCode::ControlCharacters));
    }
    Ok(Some(typed.to_owned()).filter(|t| !t.is_empty()))
}

/// An embassy's names and time zone as typed; blank ones are the country's.
#[derive(Clone, Copy, Debug, Default)]
pub struct Typed<'a> {
    pub be: &'a str,
    pub ru: &'a str,
    pub en: &'a str,
    pub zone: &'a str,
}

/// The three names as typed; a blank one is the country's default name in that language.
fn names(country: &str, typed: Typed) -> Result<Names> {
    let default = Names::default_for(country);
    Ok(Names {
        be: name("name_be", typed.be, NAME_MAX)?.unwrap_or(default.be),
        ru: name("name_ru", typed.ru, NAME_MAX)?.unwrap_or(default.ru),
        en: name("name_en", typed.en, NAME_MAX)?.unwrap_or(default.en),
    })
}

/// A country as chosen: an ISO 3166-1 code of a host country.
fn country(field: &'static str, chosen: &str) -> Result<String> {
    let chosen = chosen.trim().to_ascii_uppercase();
    if chosen.is_empty() {
        return Err(ChangeError::Invalid(field, RuleCode::Required));
    }
    if !countries::is_host(&chosen) {
        return Err(ChangeError::Invalid(field, RuleCode::InvalidChoice));
    }
    Ok(chosen)
}

/// A time zone as chosen; blank is the country's.
fn zone(country: &str, chosen: &str) -> Result<String> {
    match chosen.trim() {
        "" => Ok(countries::home_zone(country).unwrap_or("UTC").to_owned()),
        zone if countries::is_zone(zone) => Ok(zone.to_owned()),
        _ => Err(ChangeError::Invalid("zone", RuleCode::InvalidChoice)),
    }
}

/// Whether `country` is free to route: no embassy takes it.
async fn country_free(tx: &mut Tx, country: &str) -> Result<bool> {
    let routed: Option<String> =
        sqlx::query_scalar("SELECT embassy_id FROM embassy_countries WHERE country = $1").bind(country).fetch_optional(&mut **tx).await?;
    Ok(routed.is_none())
}

/// Opens an embassy in `country` (admins), with its queues, taking the country's cases from
/// now on; returns its id. Blank names are the country's default names, a blank zone the
/// country's.
pub async fn create(db: &Db, keyring: &Keyring, by: &Staff, chosen: &str, typed: Typed<'_>) -> Result<String> {
    if by.role != Role::Admin {
        return Err(ChangeError::NotFound);
    }
    let country = country("country", chosen)?;
    let names = names(&country, typed)?;
    let zone = zone(&country, typed.zone)?;
    let code = country.to_ascii_lowercase();
    let mut tx = db.begin().await?;
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM embassies WHERE code = $1").bind(&code).fetch_optional(&mut *tx).await?;
    if taken.is_some() || !country_free(&mut tx, &country).await? {
        return Err(ChangeError::Invalid("country", RuleCode::CountryTaken));
    }
    let (embassy, _) = db::embassies::ensure(&mut tx, &code, &country, &names, &zone, false).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyCreate, Some(&embassy.embassy_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(embassy.embassy_id)
}

/// Changes an embassy's names and time zone (admins). A blank name is the country's default
/// name, a blank zone the country's.
pub async fn change(db: &Db, keyring: &Keyring, by: &Staff, embassy_id: &str, typed: Typed<'_>) -> Result<()> {
    if by.role != Role::Admin {
        return Err(ChangeError::NotFound);
    }
    let mut tx = db.begin().await?;
    let country: String =
        sqlx::query_scalar("SELECT country FROM embassies WHERE id = $1").bind(embassy_id).fetch_optional(&mut *tx).await?.ok_or(ChangeError::NotFound)?;
    let names = names(&country, typed)?;
    let zone = zone(&country, typed.zone)?;
    sqlx::query("UPDATE embassies SET name = $2, name_be = $3, name_ru = $4, time_zone = $5 WHERE id = $1")
        .bind(embassy_id)
        .bind(&names.en)
        .bind(&names.be)
        .bind(&names.ru)
        .bind(&zone)
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyChange, Some(embassy_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// The embassy `embassy_id` when an admin asks (the default desk takes no countries: it has
/// every country no embassy takes).
async fn routable(tx: &mut Tx, by: &Staff, embassy_id: &str) -> Result<()> {
    if by.role != Role::Admin {
        return Err(ChangeError::NotFound);
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT is_default FROM embassies WHERE id = $1").bind(embassy_id).fetch_optional(&mut **tx).await?;
    match found {
        Some(0) => Ok(()),
        _ => Err(ChangeError::NotFound),
    }
}

/// Routes `country` to the embassy (admins): new requests from there go to it. A country
/// another embassy takes is refused; take it off there first.
pub async fn route(db: &Db, keyring: &Keyring, by: &Staff, embassy_id: &str, chosen: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    routable(&mut tx, by, embassy_id).await?;
    let country = country("country", chosen)?;
    if !country_free(&mut tx, &country).await? {
        return Err(ChangeError::Invalid("country", RuleCode::CountryTaken));
    }
    sqlx::query("INSERT INTO embassy_countries (country, embassy_id, added_at) VALUES ($1, $2, $3)")
        .bind(&country)
        .bind(embassy_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyRoute, Some(embassy_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes `country` off the embassy (admins): new requests from there go to the default desk
/// until another embassy takes it. Cases already open stay where they are.
pub async fn unroute(db: &Db, keyring: &Keyring, by: &Staff, embassy_id: &str, country: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    routable(&mut tx, by, embassy_id).await?;
    let removed = sqlx::query("DELETE FROM embassy_countries WHERE country = $1 AND embassy_id = $2")
        .bind(country)
        .bind(embassy_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(ChangeError::NotFound);
    }
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyUnroute, Some(embassy_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// A queue of an embassy `by` keeps: its embassy's id, its slug and whether it is retired.
async fn kept_queue(tx: &mut Tx, by: &Staff, queue_id: &str) -> Result<(String, String, bool)> {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT embassy_id, slug, retired_at FROM queues WHERE id = $1").bind(queue_id).fetch_optional(&mut **tx).await?;
    match row {
        Some((embassy, slug, retired)) if by.manages_embassy(&embassy) => Ok((embassy, slug, retired.is_some())),
        _ => Err(ChangeError::NotFound),
    }
}

/// A slug for a new queue named `name`: its letters and digits, else `queue`, made unique
/// within the embassy.
async fn free_slug(tx: &mut Tx, embassy_id: &str, name: &str) -> Result<String> {
    let mut base: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    base = base.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if base.is_empty() {
        base = "queue".into();
    }
    let taken: Vec<String> = sqlx::query_scalar("SELECT slug FROM queues WHERE embassy_id = $1").bind(embassy_id).fetch_all(&mut **tx).await?;
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// Adds a queue to the embassy (its leads; admins any). With a category, new requests of
/// that category go to it instead of the general queue; a category another active queue of
/// the embassy takes is refused. Returns the queue's id.
pub async fn add_queue(db: &Db, keyring: &Keyring, by: &Staff, embassy_id: &str, typed: &str, category: &str) -> Result<String> {
    if !by.manages_embassy(embassy_id) {
        return Err(ChangeError::NotFound);
    }
    let queue_name = name("name", typed, QUEUE_NAME_MAX)?.ok_or(ChangeError::Invalid("name", RuleCode::Required))?;
    let category = match category.trim() {
        "" => None,
        c => Some(Category::parse(c).filter(|c| *c != Category::Other).ok_or(ChangeError::Invalid("category", RuleCode::InvalidChoice))?),
    };
    let mut tx = db.begin().await?;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM embassies WHERE id = $1").bind(embassy_id).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Err(ChangeError::NotFound);
    }
    if let Some(category) = category {
        let holder: Option<String> = sqlx::query_scalar("SELECT id FROM queues WHERE embassy_id = $1 AND category = $2 AND retired_at IS NULL")
            .bind(embassy_id)
            .bind(category.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if holder.is_some() {
            return Err(ChangeError::Invalid("category", RuleCode::CategoryTaken));
        }
    }
    let slug = free_slug(&mut tx, embassy_id, &queue_name).await?;
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO queues (id, embassy_id, slug, name, category, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(embassy_id)
        .bind(&slug)
        .bind(&queue_name)
        .bind(category.map(Category::as_str))
        .bind(now())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::QueueAdd, Some(&id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a queue (its embassy's leads; admins any).
pub async fn rename_queue(db: &Db, keyring: &Keyring, by: &Staff, queue_id: &str, typed: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let (_, _, retired) = kept_queue(&mut tx, by, queue_id).await?;
    if retired {
        return Err(ChangeError::NotFound);
    }
    let queue_name = name("name", typed, QUEUE_NAME_MAX)?.ok_or(ChangeError::Invalid("name", RuleCode::Required))?;
    sqlx::query("UPDATE queues SET name = $2 WHERE id = $1").bind(queue_id).bind(&queue_name).execute(&mut *tx).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::QueueRename, Some(queue_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a queue (its embassy's leads; admins any): every case in it moves to `into`,
/// another active queue of the embassy (each case's timeline and audit trail say so), its
/// volunteers join `into`, and new requests of its category go to the general queue. The
/// general queue cannot be retired. Returns how many cases moved.
pub async fn retire_queue(db: &Db, keyring: &Keyring, by: &Staff, queue_id: &str, into: &str) -> Result<u64> {
    let mut tx = db.begin().await?;
    let (embassy_id, slug, retired) = kept_queue(&mut tx, by, queue_id).await?;
    if retired {
        return Err(ChangeError::NotFound);
    }
    if slug == GENERAL {
        return Err(ChangeError::Invalid("into", RuleCode::GeneralQueue));
    }
    let target: Option<String> = sqlx::query_scalar("SELECT id FROM queues WHERE id = $1 AND embassy_id = $2 AND retired_at IS NULL AND id <> $3")
        .bind(into)
        .bind(&embassy_id)
        .bind(queue_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(target) = target else { return Err(ChangeError::Invalid("into", if into.is_empty() { RuleCode::Required } else { RuleCode::InvalidChoice })) };
    let at = now();
    let moved: Vec<String> = sqlx::query_scalar("SELECT id FROM cases WHERE queue_id = $1 ORDER BY id").bind(queue_id).fetch_all(&mut *tx).await?;
    sqlx::query("UPDATE cases SET queue_id = $2, updated_at = $3 WHERE queue_id = $1").bind(queue_id).bind(&target).bind(at).execute(&mut *tx).await?;
    for case_id in &moved {
        db::cases::record_event(&mut tx, case_id, Some(&by.id), EventKind::Queue, Some(queue_id), Some(&target)).await?;
    }
    sqlx::query(
        "INSERT INTO queue_members (queue_id, person_id) SELECT $2, person_id FROM queue_members WHERE queue_id = $1 \
         ON CONFLICT (queue_id, person_id) DO NOTHING",
    )
    .bind(queue_id)
    .bind(&target)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM queue_members WHERE queue_id = $1").bind(queue_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE queues SET retired_at = $2 WHERE id = $1").bind(queue_id).bind(at).execute(&mut *tx).await?;
    let actor = by.actor();
    let mut events: Vec<AuditEvent> = moved.iter().map(|id| AuditEvent::new(&actor, AuditAction::CaseRoute, Some(id), Outcome::Ok)).collect();
    events.push(AuditEvent::new(&actor, AuditAction::QueueRetire, Some(queue_id), Outcome::Ok));
    audit::append_all(&mut tx, keyring, &events).await?;
    tx.commit().await?;
    Ok(moved.len() as u64)
}
