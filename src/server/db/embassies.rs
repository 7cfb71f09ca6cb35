//! Embassies, the countries routed to them and their queues. All are data: an admin adds an
//! embassy in any country, and it gets one queue per category plus a general queue.

use super::{now, Conn, DbError, Tx};
use crate::domain::{
    countries,
    service_hours::{self, counts_business_hours, Week},
    Category, Date, Priority,
};
use sqlx::Row;

/// An embassy with the ids of its queues.
#[derive(Clone, Debug)]
pub struct EmbassyQueues {
    pub embassy_id: String,
    pub code: String,
    /// `(category, queue id)`; the general queue has no category.
    pub queues: Vec<(Option<Category>, String)>,
}

impl EmbassyQueues {
    /// The queue a case of `category` goes to: the category's queue, else the general one.
    pub fn queue_for(&self, category: Option<Category>) -> &str {
        self.queues
            .iter()
            .find(|(c, _)| c.is_some() && *c == category)
            .or_else(|| self.queues.iter().find(|(c, _)| c.is_none()))
            .map(|(_, id)| id.as_str())
            .expect("every embassy has a general queue")
    }
}

/// An embassy's name in Belarusian, Russian and English (`name` holds the English one). Pages
/// show the one of the reader's language: Belarusian and Russian readers theirs, everyone
/// else the English one (`api::embassies::EmbassyDto::name_in`, `api::staff::MeDto::embassy_in`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub be: String,
    pub ru: String,
    pub en: String,
}

impl Names {
    /// The names an embassy in `country` gets when none are typed.
    pub fn default_for(country: &str) -> Names {
        let of = |language| countries::name(country, language).unwrap_or(country);
        Names {
            be: format!("Народнае пасольства Беларусі — {}", of("be")),
            ru: format!("Народное посольство Беларуси — {}", of("ru")),
            en: format!("People's Embassy of Belarus — {}", of("en")),
        }
    }
}

/// The slug of the queue that takes every case no other queue of its embassy takes; it
/// cannot be retired.
pub const GENERAL: &str = "general";

/// Creates the embassy and its queues unless an embassy with `code` exists; returns it, and
/// whether it was created now (for the caller's audit row). A new embassy other than the
/// default desk takes the cases of its own country, unless another embassy already does.
pub async fn ensure(tx: &mut Tx, code: &str, country: &str, names: &Names, zone: &str, is_default: bool) -> Result<(EmbassyQueues, bool), DbError> {
    // ON CONFLICT makes concurrent callers safe: one inserts, the others wait and skip.
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    let inserted = sqlx::query(
        "INSERT INTO embassies (id, code, country, name, name_be, name_ru, time_zone, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(&id)
    .bind(code)
    .bind(country)
    .bind(&names.en)
    .bind(&names.be)
    .bind(&names.ru)
    .bind(zone)
    .bind(i64::from(is_default))
    .bind(at)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        let general = std::iter::once((None, GENERAL));
        let per_category = Category::ALL.into_iter().filter(|c| *c != Category::Other).map(|c| (Some(c), c.as_str()));
        for (category, slug) in general.chain(per_category) {
            sqlx::query("INSERT INTO queues (id, embassy_id, slug, name, category, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&id)
                .bind(slug)
                .bind(slug.replace('_', " "))
                .bind(category.map(Category::as_str))
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
        if !is_default {
            sqlx::query("INSERT INTO embassy_countries (country, embassy_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (country) DO NOTHING")
                .bind(country)
                .bind(&id)
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
    }
    let embassy_id: String = sqlx::query_scalar("SELECT id FROM embassies WHERE code = $1").bind(code).fetch_one(&mut **tx).await?;
    let queues = sqlx::query("SELECT id, category FROM queues WHERE embassy_id = $1 AND retired_at IS NULL ORDER BY slug")
        .bind(&embassy_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|row| (row.get::<Option<String>, _>(1).as_deref().and_then(Category::parse), row.get::<String, _>(0)))
        .collect();
    Ok((EmbassyQueues { embassy_id, code: code.to_owned(), queues }, inserted == 1))
}

/// Code of the desk that takes cases from countries without an embassy.
pub const DEFAULT_DESK_CODE: &str = "intl";

/// Where a new case goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub embassy_id: String,
    pub queue_id: String,
}

/// The embassy `country` is routed to (else the default desk) and its queue for `category`
/// (else its general queue). `None` when the country is routed nowhere and there is no
/// default desk.
pub async fn route(conn: &mut Conn, country: Option<&str>, category: Option<Category>) -> Result<Option<Route>, DbError> {
    let routed: Option<String> =
        sqlx::query_scalar("SELECT embassy_id FROM embassy_countries WHERE country = $1").bind(country.unwrap_or("")).fetch_optional(&mut *conn).await?;
    let embassy = match routed {
        Some(id) => Some(id),
        None => sqlx::query_scalar("SELECT id FROM embassies WHERE is_default = 1 ORDER BY created_at LIMIT 1").fetch_optional(&mut *conn).await?,
    };
    let Some(embassy_id) = embassy else { return Ok(None) };
    let queue_id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM queues WHERE embassy_id = $1 AND retired_at IS NULL AND (category = $2 OR slug = $3) \
         ORDER BY CASE WHEN slug = $3 THEN 1 ELSE 0 END LIMIT 1",
    )
    .bind(&embassy_id)
    .bind(category.map(Category::as_str).unwrap_or(""))
    .bind(GENERAL)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(queue_id.map(|queue_id| Route { embassy_id, queue_id }))
}

/// Every country routed to an embassy, by code.
pub async fn routed_countries(conn: &mut Conn) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT country FROM embassy_countries ORDER BY country").fetch_all(&mut *conn).await?)
}

/// Every embassy as `(id, name)`, the default desk first, then by country code.
pub async fn choices(conn: &mut Conn) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query("SELECT id, name FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, sqlx::Error>>().map_err(DbError::from)
}

/// How long an embassy keeps a closed case: its own number of days, or `None` for the
/// server's default (`EMBASSY_DESK_RETENTION_DAYS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retention {
    pub embassy_id: String,
    pub code: String,
    pub days: Option<i64>,
}

/// Every embassy's retention, the default desk first, then by country code.
pub async fn retentions(conn: &mut Conn) -> Result<Vec<Retention>, DbError> {
    let rows = sqlx::query("SELECT id, code, retention_days FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| Ok(Retention { embassy_id: r.try_get(0)?, code: r.try_get(1)?, days: r.try_get(2)? }))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// An embassy's business hours: whether its service levels count them, its weekly schedule
/// and its holidays as `(local date, name)`, by date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BusinessHours {
    pub counted: bool,
    pub week: Week,
    pub holidays: Vec<(Date, String)>,
}

/// Replaces an embassy's business hours and holidays.
pub async fn set_business_hours(tx: &mut Tx, embassy_id: &str, hours: &BusinessHours) -> Result<(), DbError> {
    sqlx::query("UPDATE embassies SET sla_business = $2, business_hours = $3 WHERE id = $1")
        .bind(embassy_id)
        .bind(i64::from(hours.counted))
        .bind(hours.week.to_stored())
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM embassy_holidays WHERE embassy_id = $1").bind(embassy_id).execute(&mut **tx).await?;
    for (day, name) in &hours.holidays {
        sqlx::query("INSERT INTO embassy_holidays (embassy_id, day, name) VALUES ($1, $2, $3) ON CONFLICT (embassy_id, day) DO UPDATE SET name = $3")
            .bind(embassy_id)
            .bind(day.to_string())
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Sets an embassy's retention (`None`: the server's default); whether the embassy exists.
pub async fn set_retention(tx: &mut Tx, embassy_id: &str, days: Option<i64>) -> Result<bool, DbError> {
    let changed = sqlx::query("UPDATE embassies SET retention_days = $2 WHERE id = $1").bind(embassy_id).bind(days).execute(&mut **tx).await?.rows_affected();
    Ok(changed == 1)
}

/// The column of an embassy's hours to first response at `priority`.
fn sla_column(priority: Priority) -> &'static str {
    match priority {
        Priority::Urgent => "sla_urgent_hours",
        Priority::High => "sla_high_hours",
        Priority::Normal => "sla_normal_hours",
        Priority::Low => "sla_low_hours",
    }
}

/// When a first response at `priority` is due for a case of the embassy that arrived at
/// `start`: the embassy's hours for the priority, on the calendar or — where the embassy
/// keeps business hours and the priority is normal or low — in its opening hours in its
/// time zone, less its holidays.
pub async fn first_response_due(conn: &mut Conn, embassy_id: &str, priority: Priority, start: i64) -> Result<i64, DbError> {
    let sql = format!("SELECT {}, time_zone, business_hours, sla_business FROM embassies WHERE id = $1", sla_column(priority));
    let row: Option<(i64, String, String, i64)> = sqlx::query_as(&sql).bind(embassy_id).fetch_optional(&mut *conn).await?;
    let Some((hours, zone, schedule, business)) = row else { return Ok(start + priority.first_response_hours() * 3600) };
    let Some(week) = Week::parse(&schedule).filter(|_| business == 1 && counts_business_hours(priority)) else { return Ok(start + hours * 3600) };
    // A day before `start` in UTC is no later than its local date anywhere.
    let from = Date::from_unix(start - 86_400).to_string();
    let days: Vec<String> =
        sqlx::query_scalar("SELECT day FROM embassy_holidays WHERE embassy_id = $1 AND day >= $2").bind(embassy_id).bind(&from).fetch_all(&mut *conn).await?;
    let holidays: Vec<Date> = days.iter().filter_map(|d| Date::parse(d)).collect();
    Ok(service_hours::due_at(start, hours, &service_hours::zone(&zone), Some(&week), &holidays))
}
