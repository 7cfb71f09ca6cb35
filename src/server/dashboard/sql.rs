//! Every query the dashboard runs, built in one place with its arguments, so that the
//! figures run exactly what the index tests explain.

use crate::domain::{AuditAction, Date, Priority};
use crate::server::{
    audit::Outcome,
    config::Backend,
    dashboard::{Range, Scope},
    db::{cases::OPEN, Arg},
    staff,
};

/// A built query: what it is for, its SQL and its arguments.
pub struct Sql {
    pub name: &'static str,
    pub sql: String,
    pub args: Vec<Arg>,
    /// It sorts the rows it selects (a median's window; a handful of category groups).
    pub sorts: bool,
}

impl Sql {
    fn new(name: &'static str) -> Self {
        Sql { name, sql: String::new(), args: Vec::new(), sorts: false }
    }

    /// Adds an argument; returns its placeholder.
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Placeholders for a list of text arguments (one empty string for an empty list, which
    /// matches nothing).
    fn list(&mut self, values: &[&str]) -> String {
        let values: Vec<&str> = if values.is_empty() { vec![""] } else { values.to_vec() };
        values.iter().map(|v| self.arg(Arg::Text((*v).to_owned()))).collect::<Vec<_>>().join(", ")
    }
}

fn queue_ids(scope: &Scope) -> Vec<&str> {
    scope.queues.iter().map(|q| q.id.as_str()).collect()
}

fn embassy_ids(scope: &Scope) -> Vec<&str> {
    scope.embassy_ids.iter().map(String::as_str).collect()
}

/// Restricts `cases` to the scope's embassies and chosen queue.
fn case_scope(q: &mut Sql, scope: &Scope) -> String {
    let embassies = q.list(&embassy_ids(scope));
    let mut cond = format!("embassy_id IN ({embassies})");
    if let Some(queue) = &scope.queue {
        cond.push_str(&format!(" AND queue_id = {}", q.arg(Arg::Text(queue.clone()))));
    }
    cond
}

/// Open cases per queue, status and assignment (kept by triggers).
pub fn queue_counts(scope: &Scope) -> Sql {
    let mut q = Sql::new("open by queue and status");
    let queues = q.list(&queue_ids(scope));
    q.sql = format!("SELECT queue_id, status, assigned, n FROM queue_counts WHERE queue_id IN ({queues}) AND {OPEN}");
    q
}

/// The opening time of the oldest unassigned open case of a queue, per priority: one index
/// probe each (the index is ordered by priority, then age).
pub fn oldest_unassigned(queue_id: &str) -> Sql {
    let mut q = Sql::new("oldest unassigned");
    let queue = q.arg(Arg::Text(queue_id.to_owned()));
    let probes = Priority::ALL
        .map(|p| format!("(SELECT MIN(created_at) FROM cases WHERE queue_id = {queue} AND priority = {} AND assignee_id IS NULL AND {OPEN})", p.rank()))
        .join(", ");
    q.sql = format!("SELECT {probes}");
    q
}

/// Cases opened and resolved per queue and day in the range.
pub fn days(scope: &Scope, range: Range) -> Sql {
    let mut q = Sql::new("opened and resolved per day");
    let queues = q.list(&queue_ids(scope));
    let from = q.arg(Arg::Int(range.from.days_since_epoch()));
    let to = q.arg(Arg::Int(range.to.days_since_epoch()));
    q.sql = format!("SELECT day, opened, resolved FROM case_days WHERE queue_id IN ({queues}) AND day >= {from} AND day <= {to}");
    q
}

/// Cases opened per category in the range.
pub fn categories(scope: &Scope, range: Range) -> Sql {
    let mut q = Sql::new("category mix");
    let queues = q.list(&queue_ids(scope));
    let from = q.arg(Arg::Int(range.from.days_since_epoch()));
    let to = q.arg(Arg::Int(range.to.days_since_epoch()));
    q.sql = format!(
        "SELECT category, CAST(SUM(opened) AS BIGINT) FROM category_days WHERE queue_id IN ({queues}) AND day >= {from} AND day <= {to} GROUP BY category"
    );
    q.sorts = true;
    q
}

/// The times to first response (`first_response_at`) or to resolution (`resolved_at`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reached {
    FirstResponse,
    Resolution,
}

impl Reached {
    fn column(self) -> &'static str {
        match self {
            Reached::FirstResponse => "first_response_at",
            Reached::Resolution => "resolved_at",
        }
    }

    /// The UTC day and the duration a purged case keeps in `past_cases`.
    fn past_columns(self) -> (&'static str, &'static str) {
        match self {
            Reached::FirstResponse => ("first_response_day", "first_response_took"),
            Reached::Resolution => ("resolved_day", "resolution_took"),
        }
    }
}

fn reached_in(q: &mut Sql, scope: &Scope, reached: Reached, since: i64, until: i64) -> String {
    let column = reached.column();
    let since = q.arg(Arg::Int(since));
    let until = q.arg(Arg::Int(until));
    let scoped = case_scope(q, scope);
    format!("{column} IS NOT NULL AND {column} >= {since} AND {column} < {until} AND {scoped}")
}

/// The purged cases of `[since, until)`. A purged case keeps only the day it reached the
/// point; the windows begin and end at midnight UTC, so its day lies wholly inside a window
/// or wholly outside, as its time did.
fn reached_in_past(q: &mut Sql, scope: &Scope, reached: Reached, since: i64, until: i64) -> String {
    let (day, _) = reached.past_columns();
    let since = q.arg(Arg::Int(since.div_euclid(DAY)));
    let until = q.arg(Arg::Int(until.div_euclid(DAY)));
    let scoped = case_scope(q, scope);
    format!("{day} IS NOT NULL AND {day} >= {since} AND {day} < {until} AND {scoped}")
}

const DAY: i64 = 86_400;

/// How many cases, stored or purged, reached the point in `[since, until)`.
pub fn reached_count(scope: &Scope, reached: Reached, since: i64, until: i64) -> Sql {
    let mut q = Sql::new("cases reaching a point in a window");
    let filter = reached_in(&mut q, scope, reached, since, until);
    let past = reached_in_past(&mut q, scope, reached, since, until);
    q.sql = format!("SELECT (SELECT COUNT(*) FROM cases WHERE {filter}) + (SELECT COUNT(*) FROM past_cases WHERE {past})");
    q
}

/// The `take` durations from `offset` in duration order: the middle of the window.
pub fn reached_middle(scope: &Scope, reached: Reached, since: i64, until: i64, take: i64, offset: i64) -> Sql {
    let mut q = Sql::new("median of a window");
    let filter = reached_in(&mut q, scope, reached, since, until);
    let past = reached_in_past(&mut q, scope, reached, since, until);
    let (_, took) = reached.past_columns();
    q.sql = format!(
        "SELECT took FROM (SELECT {} - created_at AS took FROM cases WHERE {filter} UNION ALL SELECT {took} FROM past_cases WHERE {past}) AS w \
         ORDER BY took LIMIT {take} OFFSET {offset}",
        reached.column()
    );
    q.sorts = true;
    q
}

/// The reach times and durations of the cases that reached the point in `[since, until)`:
/// today's few, merged with the kept middle of the days before (unsorted; sorted by the caller).
/// A purged case's reach time is the start of its day.
pub fn reached_recent(scope: &Scope, reached: Reached, since: i64, until: i64) -> Sql {
    let mut q = Sql::new("recent reach times");
    let filter = reached_in(&mut q, scope, reached, since, until);
    let past = reached_in_past(&mut q, scope, reached, since, until);
    let column = reached.column();
    let (day, took) = reached.past_columns();
    q.sql = format!("SELECT {column}, {column} - created_at FROM cases WHERE {filter} UNION ALL SELECT {day} * {DAY}, {took} FROM past_cases WHERE {past}");
    q
}

/// The number that moves when a first response or resolution before today changes.
pub fn past_reach_version() -> Sql {
    let mut q = Sql::new("past reach version");
    q.sql = "SELECT version FROM past_reach_version WHERE id = 1".to_owned();
    q
}

/// Open cases past their first-response due time without a response: the days before
/// today from `awaiting_days` (kept by triggers), today's from the covering index.
pub fn overdue(scope: &Scope, at: i64, backend: Backend) -> Sql {
    let mut q = Sql::new("overdue");
    let today = at.div_euclid(86_400);
    let queues = q.list(&queue_ids(scope));
    let day = q.arg(Arg::Int(today));
    let since = q.arg(Arg::Int(today * 86_400));
    let at = q.arg(Arg::Int(at));
    let scoped = case_scope(&mut q, scope);
    // `priority >= 0` names the partial index made for this count (see its migration).
    // Without statistics, SQLite would rather probe the status index for every open status
    // of every embassy.
    let hint = if backend == Backend::Sqlite { " INDEXED BY cases_awaiting_response" } else { "" };
    q.sql = format!(
        "SELECT CAST(COALESCE((SELECT SUM(n) FROM awaiting_days WHERE queue_id IN ({queues}) AND due_day < {day}), 0) AS BIGINT) \
         + (SELECT COUNT(*) FROM cases{hint} WHERE first_response_at IS NULL AND priority >= 0 AND {OPEN} \
         AND first_response_due_at >= {since} AND first_response_due_at < {at} AND {scoped})"
    );
    q
}

/// Cases with an open deadline from today through the next 7 days.
pub fn deadlines_soon(scope: &Scope, at: i64) -> Sql {
    let mut q = Sql::new("deadlines in 7 days");
    let from = q.arg(Arg::Text(Date::from_unix(at).to_string()));
    let to = q.arg(Arg::Text(Date::from_unix(at + 7 * 86_400).to_string()));
    let embassies = q.list(&embassy_ids(scope));
    let mut sql = format!(
        "SELECT COUNT(DISTINCT d.case_id) FROM case_deadlines d WHERE d.embassy_id IN ({embassies}) AND d.done_at IS NULL \
         AND d.due_on >= {from} AND d.due_on <= {to}"
    );
    if let Some(queue) = &scope.queue {
        let queue = q.arg(Arg::Text(queue.clone()));
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM cases c WHERE c.id = d.case_id AND c.queue_id = {queue})"));
    }
    q.sql = sql;
    // Distinct cases among the week's few deadlines.
    q.sorts = true;
    q
}

/// Active volunteers and leads of the scope's embassies, with their embassy's threshold.
pub fn people(scope: &Scope) -> Sql {
    let mut q = Sql::new("team");
    let embassies = q.list(&embassy_ids(scope));
    q.sql = format!(
        "SELECT p.id, p.login, p.role, p.embassy_id, p.last_login_at, e.overload_threshold FROM people p JOIN embassies e ON e.id = p.embassy_id \
         WHERE p.embassy_id IN ({embassies}) AND p.active = 1 AND p.role IN ('volunteer', 'lead') ORDER BY p.login"
    );
    q
}

/// A person's open cases (in the chosen queue) and how many of them are overdue.
pub fn load(scope: &Scope, person_id: &str, at: i64) -> Sql {
    let mut q = Sql::new("a person's load");
    let person = q.arg(Arg::Text(person_id.to_owned()));
    let at = q.arg(Arg::Int(at));
    let queue = scope.queue.clone().map(|queue| format!(" AND queue_id = {}", q.arg(Arg::Text(queue)))).unwrap_or_default();
    q.sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN first_response_at IS NULL AND first_response_due_at < {at} THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM cases WHERE assignee_id = {person} AND {OPEN}{queue}"
    );
    q
}

/// When a person last did anything audited.
pub fn last_activity(person_id: &str) -> Sql {
    let mut q = Sql::new("last activity");
    let actor = q.arg(Arg::Text(staff::actor_of(person_id)));
    q.sql = format!("SELECT at FROM audit_log WHERE actor = {actor} ORDER BY seq DESC LIMIT 1");
    q
}

/// Cases opened per UTC hour (hours since the epoch) from `since`: the cases still stored
/// (a purged case no longer counts), read from the covering index by embassy and time.
pub fn opened_per_hour(scope: &Scope, since: i64) -> Sql {
    let mut q = Sql::new("opened per hour");
    let since = q.arg(Arg::Int(since));
    let scoped = case_scope(&mut q, scope);
    q.sql = format!("SELECT created_at / {HOUR}, COUNT(*) FROM cases WHERE created_at >= {since} AND {scoped} GROUP BY created_at / {HOUR}");
    // Groups at most the hours of the window.
    q.sorts = true;
    q
}

const HOUR: i64 = 3_600;

/// Distinct cases each actor opened on the desk (`case.view`, granted) from `since`, read
/// from the partial index of those rows by time. Its terms are literal: SQLite uses a
/// partial index only for a query that states its condition.
pub fn case_openers(since: i64) -> Sql {
    let mut q = Sql::new("cases opened per person");
    let since = q.arg(Arg::Int(since));
    q.sql = format!(
        "SELECT actor, COUNT(DISTINCT object_id) FROM audit_log WHERE action = '{view}' AND outcome = '{ok}' AND at >= {since} GROUP BY actor",
        view = AuditAction::CaseView.as_str(),
        ok = Outcome::Ok.as_str(),
    );
    // Groups the last hour's openings by person.
    q.sorts = true;
    q
}

/// Everyone of the scope's embassies with their embassy's insider threshold.
pub fn insider_thresholds(scope: &Scope) -> Sql {
    let mut q = Sql::new("insider thresholds");
    let embassies = q.list(&embassy_ids(scope));
    q.sql = format!(
        "SELECT p.id, p.login, p.role, p.embassy_id, e.insider_threshold FROM people p JOIN embassies e ON e.id = p.embassy_id WHERE p.embassy_id IN ({embassies})"
    );
    q
}

/// Every query the figures of `scope` run (one of each kind), for plan checks.
pub fn all(scope: &Scope, range: Range, at: i64, person_id: &str, backend: Backend) -> Vec<Sql> {
    let queue = scope.queues.first().map_or("", |q| q.id.as_str());
    let end = range.to.unix_start() + 86_400;
    let mut out = vec![past_reach_version(), queue_counts(scope), oldest_unassigned(queue), days(scope, range), categories(scope, range)];
    for reached in [Reached::FirstResponse, Reached::Resolution] {
        out.push(reached_count(scope, reached, end - 90 * 86_400, end));
        out.push(reached_middle(scope, reached, end - 90 * 86_400, end, 2, 10));
        out.push(reached_recent(scope, reached, end - 86_400, end));
    }
    out.extend([overdue(scope, at, backend), deadlines_soon(scope, at), people(scope), load(scope, person_id, at), last_activity(person_id)]);
    out.extend([opened_per_hour(scope, at - 48 * HOUR), case_openers(at - HOUR), insider_thresholds(scope)]);
    out
}
