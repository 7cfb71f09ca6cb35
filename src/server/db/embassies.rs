//! Embassies and their queues. Both are data: an admin adds an embassy, and it gets one
//! queue per category plus a general queue.

use super::{now, Conn, DbError, Tx};
use crate::domain::Category;
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

/// Creates the embassy and its queues unless an embassy with `code` exists; returns it, and
/// whether it was created now (for the caller's audit row).
pub async fn ensure(tx: &mut Tx, code: &str, country: &str, name: &str, is_default: bool) -> Result<(EmbassyQueues, bool), DbError> {
    // ON CONFLICT makes concurrent callers safe: one inserts, the others wait and skip.
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO embassies (id, code, country, name, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(&id)
    .bind(code)
    .bind(country)
    .bind(name)
    .bind(i64::from(is_default))
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        let general = std::iter::once((None, "general"));
        let per_category = Category::ALL.into_iter().filter(|c| *c != Category::Other).map(|c| (Some(c), c.as_str()));
        for (category, slug) in general.chain(per_category) {
            sqlx::query("INSERT INTO queues (id, embassy_id, slug, name, category, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&id)
                .bind(slug)
                .bind(slug.replace('_', " "))
                .bind(category.map(Category::as_str))
                .bind(now())
                .execute(&mut **tx)
                .await?;
        }
    }
    let embassy_id: String = sqlx::query_scalar("SELECT id FROM embassies WHERE code = $1").bind(code).fetch_one(&mut **tx).await?;
    let queues = sqlx::query("SELECT id, category FROM queues WHERE embassy_id = $1 ORDER BY slug")
        .bind(&embassy_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|row| (row.get::<Option<String>, _>(1).as_deref().and_then(Category::parse), row.get::<String, _>(0)))
        .collect();
    Ok((EmbassyQueues { embassy_id, code: code.to_owned(), queues }, inserted == 1))
}

/// The People's Embassies this desk knows how to name: `(code, country, host country name)`.
pub const KNOWN: &[(&str, &str, &str)] = &[
    ("pl", "PL", "Poland"),
    ("lt", "LT", "Lithuania"),
    ("de", "DE", "Germany"),
    ("cz", "CZ", "Czechia"),
    ("lv", "LV", "Latvia"),
    ("ee", "EE", "Estonia"),
    ("ge", "GE", "Georgia"),
    ("ua", "UA", "Ukraine"),
    ("nl", "NL", "the Netherlands"),
    ("fr", "FR", "France"),
    ("gb", "GB", "the United Kingdom"),
    ("us", "US", "the United States"),
];

/// Code of the desk that takes cases from countries without an embassy.
pub const DEFAULT_DESK_CODE: &str = "intl";

/// Where a new case goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub embassy_id: String,
    pub queue_id: String,
}

/// The embassy of `country` (else the default desk) and its queue for `category` (else its
/// general queue). `None` when there is no embassy for the country and no default desk.
pub async fn route(conn: &mut Conn, country: Option<&str>, category: Option<Category>) -> Result<Option<Route>, DbError> {
    let embassy: Option<String> = sqlx::query_scalar(
        "SELECT id FROM embassies WHERE (country = $1 AND is_default = 0) OR is_default = 1 \
         ORDER BY is_default, created_at LIMIT 1",
    )
    .bind(country.unwrap_or(""))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(embassy_id) = embassy else { return Ok(None) };
    let queue_id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM queues WHERE embassy_id = $1 AND (category = $2 OR category IS NULL) \
         ORDER BY CASE WHEN category IS NULL THEN 1 ELSE 0 END LIMIT 1",
    )
    .bind(&embassy_id)
    .bind(category.map(Category::as_str).unwrap_or(""))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(queue_id.map(|queue_id| Route { embassy_id, queue_id }))
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

/// Sets an embassy's retention (`None`: the server's default); whether the embassy exists.
pub async fn set_retention(tx: &mut Tx, embassy_id: &str, days: Option<i64>) -> Result<bool, DbError> {
    let changed = sqlx::query("UPDATE embassies SET retention_days = $2 WHERE id = $1").bind(embassy_id).bind(days).execute(&mut **tx).await?.rows_affected();
    Ok(changed == 1)
}
