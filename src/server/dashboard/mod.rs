//! The leads' dashboard figures: open cases by queue and status, the unassigned backlog,
//! cases opened and resolved per week, median times to first response and to resolution,
//! overdue cases, deadlines coming up, each person's workload and the category mix.
//!
//! Counts come from tables the database keeps in step with `cases` (`queue_counts`,
//! `case_days`, `category_days`); the rest are index range reads. Nothing here decrypts.

pub mod load;
pub mod medians;
pub mod sql;

use crate::api::AppError;
use crate::domain::{Category, Date, Priority, Role, Status};
use crate::server::{
    dashboard::medians::MedianCache,
    dashboard::sql::{Reached, Sql},
    db::arguments,
    db::{Db, DbError},
    staff::Staff,
};
use sqlx::{any::AnyRow, Row};
use std::collections::HashMap;

/// Seconds in a day; days are UTC days since the Unix epoch.
const DAY: i64 = 86_400;
/// The longest date range the weekly chart covers.
pub const MAX_RANGE_DAYS: i64 = 371;
/// Default range: the last 12 weeks.
pub const DEFAULT_RANGE_DAYS: i64 = 84;

/// A queue the dashboard covers.
#[derive(Clone, Debug)]
pub struct QueueInfo {
    pub id: String,
    pub name: String,
    pub embassy_id: String,
    pub embassy: String,
}

/// What the caller may see and chose to see.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Every embassy the caller may choose (admins: all; leads: their own).
    pub embassies: Vec<(String, String)>,
    /// The embassies counted: the chosen one, or all of them.
    pub embassy_ids: Vec<String>,
    /// Every queue of the counted embassies (the choice list).
    pub all_queues: Vec<QueueInfo>,
    /// The queues counted: the chosen one, or all of `all_queues`.
    pub queues: Vec<QueueInfo>,
    pub queue: Option<String>,
}

/// Leads see their embassy, admins every embassy or one; anyone else, or an embassy or
/// queue outside that, gets `NotFound`.
pub async fn scope(db: &Db, staff: &Staff, embassy: Option<&str>, queue: Option<&str>) -> Result<Scope, AppError> {
    let own = match staff.role {
        Role::Admin => None,
        Role::Lead => Some(staff.embassy_id.clone().ok_or(AppError::NotFound)?),
        Role::Volunteer => return Err(AppError::NotFound),
    };
    let embassies: Vec<(String, String)> =
        crate::server::db::embassies::choices(&mut *db.acquire().await?).await?.into_iter().filter(|(id, _)| own.as_deref().is_none_or(|o| o == id)).collect();
    let embassy_ids: Vec<String> = match embassy {
        Some(chosen) => vec![embassies.iter().find(|(id, _)| id == chosen).ok_or(AppError::NotFound)?.0.clone()],
        None => embassies.iter().map(|(id, _)| id.clone()).collect(),
    };
    let mut all_queues = Vec::new();
    if !embassy_ids.is_empty() {
        let sql = format!(
            "SELECT q.id, q.name, q.embassy_id, e.name FROM queues q JOIN embassies e ON e.id = q.embassy_id \
             WHERE q.retired_at IS NULL AND q.embassy_id IN ({}) ORDER BY e.is_default, e.code, q.slug",
            placeholders(1, embassy_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &embassy_ids {
            query = query.bind(id.as_str());
        }
        for row in query.fetch_all(db.pool()).await.map_err(DbError::from)? {
            all_queues.push(QueueInfo { id: row.try_get(0)?, name: row.try_get(1)?, embassy_id: row.try_get(2)?, embassy: row.try_get(3)? });
        }
    }
    let queues = match queue {
        Some(chosen) => vec![all_queues.iter().find(|q| q.id == chosen).ok_or(AppError::NotFound)?.clone()],
        None => all_queues.clone(),
    };
    Ok(Scope { embassies, embassy_ids, all_queues, queues, queue: queue.map(str::to_owned) })
}

/// `$start, $start+1, …` — `n` numbered placeholders.
fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The days the weekly chart and the category mix cover, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
}

impl Range {
    /// The last 12 weeks up to the day of `at`.
    pub fn default_at(at: i64) -> Self {
        let to = Date::from_unix(at);
        Range { from: Date::from_unix(at - (DEFAULT_RANGE_DAYS - 1) * DAY), to }
    }
}

/// A week of the chart: its Monday, and cases opened and resolved that week (within range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    pub monday: Date,
    pub opened: i64,
    pub resolved: i64,
}

/// A median over the cases that reached a point (first response, resolution) in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Median {
    pub window_days: i64,
    pub cases: i64,
    pub seconds: Option<i64>,
}

/// A queue's open cases by status, its unassigned backlog and the opening time of its
/// oldest unassigned case.
#[derive(Clone, Debug)]
pub struct QueueFigures {
    pub queue: QueueInfo,
    pub by_status: Vec<(Status, i64)>,
    pub unassigned: i64,
    pub oldest_unassigned_at: Option<i64>,
}

/// One person's load.
#[derive(Clone, Debug)]
pub struct Workload {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy_id: String,
    pub open: i64,
    pub overdue: i64,
    pub last_activity_at: Option<i64>,
    pub last_login_at: Option<i64>,
    pub threshold: i64,
}

impl Workload {
    pub fn overloaded(&self) -> bool {
        self.open > self.threshold
    }
}

/// Hours the intake chart covers, the current one included.
pub const INTAKE_HOURS: i64 = 48;
/// Seconds in an hour.
const HOUR: i64 = 3_600;

/// A person who opened more distinct cases in the last hour than their embassy's threshold.
#[derive(Clone, Debug)]
pub struct Insider {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy_id: String,
    /// Distinct cases opened in the last hour.
    pub opened: i64,
    pub threshold: i64,
}

/// Everything the dashboard shows.
#[derive(Clone, Debug)]
pub struct Figures {
    pub queues: Vec<QueueFigures>,
    pub weeks: Vec<Week>,
    pub first_response: [Median; 2],
    pub resolution: [Median; 2],
    pub overdue: i64,
    pub deadlines_soon: i64,
    pub workload: Vec<Workload>,
    pub categories: Vec<(Category, i64)>,
    /// Cases opened in each of the last [`INTAKE_HOURS`] UTC hours: `(start of the hour, count)`,
    /// oldest first, the current hour last.
    pub intake: Vec<(i64, i64)>,
    /// People over their embassy's insider threshold, most cases first.
    pub insiders: Vec<Insider>,
}

/// The windows of the medians, in days, ending with the range's last day.
pub const MEDIAN_WINDOWS: [i64; 2] = [30, 90];

pub(super) async fn rows(db: &Db, q: &Sql) -> Result<Vec<AnyRow>, DbError> {
    Ok(sqlx::query_with(&q.sql, arguments(&q.args)).fetch_all(db.pool()).await?)
}

async fn one(db: &Db, q: &Sql) -> Result<AnyRow, DbError> {
    Ok(sqlx::query_with(&q.sql, arguments(&q.args)).fetch_one(db.pool()).await?)
}

pub(super) async fn count(db: &Db, q: &Sql) -> Result<i64, DbError> {
    Ok(one(db, q).await?.try_get(0)?)
}

/// Computes the figures of `scope` over `range`, with `at` as now; `cache` keeps the
/// settled part of the median windows between calls.
pub async fn figures(db: &Db, cache: &MedianCache, scope: &Scope, range: Range, at: i64) -> Result<Figures, DbError> {
    let end = range.to.unix_start() + DAY;
    let [first_response, resolution] = medians::medians(db, cache, scope, [Reached::FirstResponse, Reached::Resolution], end, MEDIAN_WINDOWS, at).await?;
    Ok(Figures {
        queues: queue_figures(db, scope).await?,
        weeks: weeks(db, scope, range).await?,
        first_response,
        resolution,
        overdue: count(db, &sql::overdue(scope, at, db.backend())).await?,
        deadlines_soon: count(db, &sql::deadlines_soon(scope, at)).await?,
        workload: workload(db, scope, at).await?,
        categories: categories(db, scope, range).await?,
        intake: intake(db, scope, at).await?,
        insiders: insiders(db, scope, at).await?,
    })
}

/// Cases opened per hour over the last [`INTAKE_HOURS`] hours, so that a flood is seen.
async fn intake(db: &Db, scope: &Scope, at: i64) -> Result<Vec<(i64, i64)>, DbError> {
    let first = at.div_euclid(HOUR) - (INTAKE_HOURS - 1);
    let mut out: Vec<(i64, i64)> = (0..INTAKE_HOURS).map(|i| ((first + i) * HOUR, 0)).collect();
    for row in rows(db, &sql::opened_per_hour(scope, first * HOUR)).await? {
        let (hour, n): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        // A case dated ahead of the server's clock has no bar.
        if let Some(slot) = usize::try_from(hour - first).ok().and_then(|i| out.get_mut(i)) {
            slot.1 += n;
        }
    }
    Ok(out)
}

/// The people of the scope's embassies who opened more distinct cases in the last hour than
/// their embassy allows (admins have no embassy and are not counted).
async fn insiders(db: &Db, scope: &Scope, at: i64) -> Result<Vec<Insider>, DbError> {
    let mut opened: HashMap<String, i64> = HashMap::new();
    for row in rows(db, &sql::case_openers(at - HOUR)).await? {
        opened.insert(row.try_get(0)?, row.try_get(1)?);
    }
    let mut out = Vec::new();
    if opened.is_empty() {
        return Ok(out);
    }
    for row in rows(db, &sql::insider_thresholds(scope)).await? {
        let id: String = row.try_get(0)?;
        let threshold: i64 = row.try_get(4)?;
        let Some(&n) = opened.get(&crate::server::staff::actor_of(&id)) else { continue };
        if n > threshold {
            let role: String = row.try_get(2)?;
            out.push(Insider {
                id,
                login: row.try_get(1)?,
                role: Role::parse(&role).unwrap_or(Role::Volunteer),
                embassy_id: row.try_get(3)?,
                opened: n,
                threshold,
            });
        }
    }
    out.sort_by(|a, b| b.opened.cmp(&a.opened).then_with(|| a.login.cmp(&b.login)));
    Ok(out)
}

async fn queue_figures(db: &Db, scope: &Scope) -> Result<Vec<QueueFigures>, DbError> {
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    let mut unassigned: HashMap<String, i64> = HashMap::new();
    for row in rows(db, &sql::queue_counts(scope)).await? {
        let (queue, status, assigned, n): (String, String, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
        if assigned == 0 {
            *unassigned.entry(queue.clone()).or_default() += n;
        }
        *counts.entry((queue, status)).or_default() += n;
    }
    let mut out = Vec::new();
    for queue in &scope.queues {
        let row = one(db, &sql::oldest_unassigned(&queue.id)).await?;
        let mut oldest: Option<i64> = None;
        for i in 0..Priority::ALL.len() {
            let at: Option<i64> = row.try_get(i)?;
            oldest = match (oldest, at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let by_status = Status::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(|s| (s, counts.get(&(queue.id.clone(), s.as_str().to_owned())).copied().unwrap_or(0)))
            .collect();
        out.push(QueueFigures { queue: queue.clone(), by_status, unassigned: unassigned.get(&queue.id).copied().unwrap_or(0), oldest_unassigned_at: oldest });
    }
    Ok(out)
}

/// Monday-based week number of a day.
fn week_of(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

async fn weeks(db: &Db, scope: &Scope, range: Range) -> Result<Vec<Week>, DbError> {
    let (first, last) = (range.from.days_since_epoch(), range.to.days_since_epoch());
    let mut out: Vec<Week> = (week_of(first)..=week_of(last)).map(|w| Week { monday: Date::from_unix((w * 7 - 3) * DAY), opened: 0, resolved: 0 }).collect();
    for row in rows(db, &sql::days(scope, range)).await? {
        let (day, opened, resolved): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let week = &mut out[(week_of(day) - week_of(first)) as usize];
        week.opened += opened;
        week.resolved += resolved;
    }
    Ok(out)
}

async fn categories(db: &Db, scope: &Scope, range: Range) -> Result<Vec<(Category, i64)>, DbError> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    for row in rows(db, &sql::categories(scope, range)).await? {
        counts.insert(row.try_get(0)?, row.try_get(1)?);
    }
    Ok(Category::ALL.into_iter().map(|c| (c, counts.get(c.as_str()).copied().unwrap_or(0))).collect())
}

/// Active volunteers and leads of the counted embassies, with their open and overdue cases
/// (in the chosen queue, if any), last activity (their last audited act) and last login.
async fn workload(db: &Db, scope: &Scope, at: i64) -> Result<Vec<Workload>, DbError> {
    let mut out = Vec::new();
    for row in rows(db, &sql::people(scope)).await? {
        let id: String = row.try_get(0)?;
        let role: String = row.try_get(2)?;
        let load = one(db, &sql::load(scope, &id, at)).await?;
        let last_activity_at: Option<i64> = match rows(db, &sql::last_activity(&id)).await?.first() {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        };
        out.push(Workload {
            id: id.clone(),
            login: row.try_get(1)?,
            role: Role::parse(&role).unwrap_or(Role::Volunteer),
            embassy_id: row.try_get(3)?,
            open: load.try_get(0)?,
            overdue: load.try_get(1)?,
            last_activity_at,
            last_login_at: row.try_get(4)?,
            threshold: row.try_get(5)?,
        });
    }
    Ok(out)
}
