//! The queue page's reads: the queues in scope with their counts, the keyset list of
//! cases (one page, names decrypted and audited), and deadlines due soon.

use super::{push_params, utf8, CaseMeta, DeskError, MetaRow, META, PAGE_SIZE};
use crate::domain::AuditAction;
use crate::domain::{CaseId, Category, Priority, Role, Status};
use crate::server::db::{arguments, cases::OPEN, Arg};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{field_place, CaseField},
    config::Backend,
    crypto::Keyring,
    db::{now, Conn, Db},
    staff::Staff,
};
use zeroize::Zeroizing;

/// Who the list shows (the page's own vocabulary).
pub use crate::api::desk::Assignee as AssigneeFilter;

/// A validated list filter.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// One embassy (admins choose; anyone else may only name their own).
    pub embassy: Option<String>,
    pub queue: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub assignee: AssigneeFilter,
    /// The cases of one person (an id), whatever `assignee` says.
    pub person: Option<String>,
    pub overdue: bool,
    /// Only cases opened within this many hours.
    pub opened_within: Option<i64>,
    pub after: Option<Cursor>,
}

/// Position in the list's order: the last row of the previous page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub priority: i64,
    pub created_at: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.priority, self.created_at, self.id)
    }
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '.');
        let priority = parts.next()?.parse().ok()?;
        let created_at = parts.next()?.parse().ok()?;
        let id = CaseId::parse(parts.next()?)?;
        Some(Self { priority, created_at, id: id.as_str().to_owned() })
    }
}

/// One listed case with the requester's chosen name decrypted.
pub struct ListedCase {
    pub meta: CaseMeta,
    pub assignee: Option<String>,
    pub requester_name: Zeroizing<String>,
}

/// The list statement for `filter` within the person's scope, sorted by priority, then age,
/// one row more than a page; its arguments are appended to `args` (numbered after those
/// already there). Its rows are the case (`META`), its assignee's `login`, its `wrapped`
/// key and the `sealed` chosen name. `None` when the scope is empty (a volunteer without
/// queues, a queue outside scope).
pub fn list_sql(staff: &Staff, filter: &ListFilter, at: i64, backend: Backend, args: &mut Vec<Arg>) -> Option<String> {
    // Across all embassies (admins), SQLite's planner prefers probing the status index once
    // per open status and sorting; the partial index of open cases is already in order.
    let across = filter.queue.is_none() && filter.embassy.is_none() && filter.person.is_none();
    let hint = if backend == Backend::Sqlite && staff.role == Role::Admin && across && filter.status.is_none() && filter.assignee != AssigneeFilter::Me {
        " INDEXED BY cases_open"
    } else {
        ""
    };
    // Each listed row brings its requester's sealed chosen name and the case key wrapped for
    // the server (two primary-key probes per row), so the page is one statement.
    let mut sql = format!(
        "SELECT {META}, p.login, k.wrapped, f.sealed FROM cases c{hint} LEFT JOIN people p ON p.id = c.assignee_id \
         LEFT JOIN case_keys k ON k.case_id = c.id AND k.holder = '{holder}' \
         LEFT JOIN case_fields f ON f.case_id = c.id AND f.name = '{name}' WHERE ",
        holder = crate::server::crypto::SERVER_HOLDER,
        name = CaseField::RequesterName.as_str(),
    );
    let mut conds: Vec<String> = Vec::new();
    let bind = |args: &mut Vec<Arg>, a: Arg| {
        args.push(a);
        format!("${}", args.len())
    };
    match staff.role {
        Role::Admin => {
            if let Some(embassy) = &filter.embassy {
                conds.push(format!("c.embassy_id = {}", bind(args, Arg::Text(embassy.clone()))));
            }
        }
        Role::Lead | Role::Volunteer => {
            let embassy = staff.embassy_id.clone()?;
            if filter.embassy.as_ref().is_some_and(|e| *e != embassy) {
                return None;
            }
            conds.push(format!("c.embassy_id = {}", bind(args, Arg::Text(embassy))));
        }
    }
    match &filter.queue {
        Some(queue) => {
            if staff.role == Role::Volunteer && !staff.queue_ids.contains(queue) {
                return None;
            }
            conds.push(format!("c.queue_id = {}", bind(args, Arg::Text(queue.clone()))));
        }
        None if staff.role == Role::Volunteer => {
            if staff.queue_ids.is_empty() {
                return None;
            }
            let list = staff.queue_ids.iter().map(|q| bind(args, Arg::Text(q.clone()))).collect::<Vec<_>>().join(", ");
            conds.push(format!("c.queue_id IN ({list})"));
        }
        None => {}
    }
    match filter.status {
        Some(status) => conds.push(format!("c.status = {}", bind(args, Arg::Text(status.as_str().to_owned())))),
        None => conds.push(format!("c.{OPEN}")),
    }
    if let Some(priority) = filter.priority {
        conds.push(format!("c.priority = {}", bind(args, Arg::Int(priority.rank()))));
    }
    match filter.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Me => conds.push(format!("c.assignee_id = {}", bind(args, Arg::Text(staff.id.clone())))),
        AssigneeFilter::Unassigned => conds.push("c.assignee_id IS NULL".into()),
    }
    if let Some(person) = &filter.person {
        conds.push(format!("c.assignee_id = {}", bind(args, Arg::Text(person.clone()))));
    }
    if filter.overdue {
        conds.push(format!("c.first_response_at IS NULL AND c.first_response_due_at < {}", bind(args, Arg::Int(at))));
    }
    if let Some(hours) = filter.opened_within {
        // The unary plus keeps the planner off `cases_by_opening` (the hour's cases in time
        // order, then a sort by priority): the list walks its own index in page order and
        // passes over older rows.
        conds.push(format!("+c.created_at >= {}", bind(args, Arg::Int(at - hours * 3600))));
    }
    if let Some(after) = &filter.after {
        let p = bind(args, Arg::Int(after.priority));
        let t = bind(args, Arg::Int(after.created_at));
        let i = bind(args, Arg::Text(after.id.clone()));
        conds.push(format!("(c.priority, c.created_at, c.id) > ({p}, {t}, {i})"));
    }
    sql.push_str(&conds.join(" AND "));
    sql.push_str(&format!(" ORDER BY c.priority, c.created_at, c.id LIMIT {}", PAGE_SIZE + 1));
    Some(sql)
}

/// Everything the queue page shows besides the person.
#[derive(Default)]
pub struct QueuePage {
    /// The queues in scope with their counts, in the embassies' and queues' order.
    pub queues: Vec<QueueSummary>,
    /// One page of the case list, in its order.
    pub cases: Vec<ListedCase>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
    /// Open deadlines of the coming week (and past ones) in scope, earliest first.
    pub deadlines: Vec<DeadlineRow>,
    /// Leads and admins: `(id, login)` of the active volunteers and leads whose cases the
    /// list can show (the lead's embassy; the chosen embassy or all for admins), by login.
    pub holders: Vec<(String, String)>,
    /// Admins: `(id, name)` of every embassy, the default one last.
    pub embassies: Vec<(String, String)>,
}

/// A row of the case list ([`list_sql`]): the case, its assignee's login, its key wrapped
/// for the server and the requester's sealed chosen name.
#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    login: Option<String>,
    wrapped: Option<Vec<u8>>,
    sealed: Option<Vec<u8>>,
}

impl ListedRow {
    /// The case with the requester's chosen name opened. A case shredded by its requester
    /// has no key any more; its row shows no name.
    fn open(self, keyring: &Keyring) -> Result<ListedCase, DeskError> {
        let meta = CaseMeta::from(self.meta);
        let requester_name = match (self.wrapped, self.sealed) {
            (Some(wrapped), Some(sealed)) => {
                let key = keyring.unwrap_case_key(&meta.id, &wrapped)?;
                utf8(&key.open(&field_place(&meta.id, CaseField::RequesterName.as_str()), &sealed)?)?
            }
            _ => Zeroizing::new(String::new()),
        };
        Ok(ListedCase { assignee: self.login, meta, requester_name })
    }
}

/// A queue in scope with one of its open counts (none for a queue without open cases).
#[derive(sqlx::FromRow)]
struct QueueCountRow {
    id: String,
    embassy: String,
    embassy_id: String,
    name: String,
    category: Option<String>,
    status: Option<String>,
    assigned: Option<i64>,
    n: Option<i64>,
}

/// The queues in scope with their open counts (kept by the database's triggers, no
/// counting of cases), in the embassies' and queues' order.
async fn queues_in_scope(conn: &mut Conn, staff: &Staff) -> Result<Vec<QueueSummary>, DeskError> {
    let mut args = Vec::new();
    let mut scope = String::from("1 = 1");
    if staff.role != Role::Admin {
        let Some(embassy) = staff.embassy_id.clone() else { return Ok(Vec::new()) };
        args.push(Arg::Text(embassy));
        scope = "q.embassy_id = $1".into();
    }
    if staff.role == Role::Volunteer {
        args.push(Arg::Text(staff.id.clone()));
        scope.push_str(" AND q.id IN (SELECT queue_id FROM queue_members WHERE person_id = $2)");
    }
    let sql = format!(
        "SELECT q.id, e.name AS embassy, q.embassy_id, q.name, q.category, n.status, n.assigned, n.n \
         FROM queues q JOIN embassies e ON e.id = q.embassy_id LEFT JOIN queue_counts n ON n.queue_id = q.id AND n.n > 0 AND n.{OPEN} \
         WHERE q.retired_at IS NULL AND {scope} ORDER BY e.is_default, e.code, q.slug, q.id"
    );
    let rows: Vec<QueueCountRow> = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    let mut queues: Vec<QueueSummary> = Vec::new();
    for row in rows {
        if queues.last().is_none_or(|q| q.id != row.id) {
            queues.push(QueueSummary {
                id: row.id,
                embassy_id: row.embassy_id,
                embassy: row.embassy,
                name: row.name,
                category: row.category.as_deref().and_then(Category::parse),
                counts: Vec::new(),
            });
        }
        if let (Some(status), Some(assigned), Some(n)) = (row.status.as_deref().and_then(Status::parse), row.assigned, row.n) {
            queues.last_mut().expect("pushed above").counts.push((status, assigned != 0, n));
        }
    }
    Ok(queues)
}

/// The queue page for `filter`: the queues in scope, one page of the list with each
/// requester's chosen name opened, the deadlines of the week, and the filter's choices;
/// then the list's audit rows (`case.list` for each listed case, whose name it decrypted)
/// before anything is returned. A queue or embassy outside scope is `NotFound`.
pub async fn queue_page(db: &Db, conn: &mut Conn, keyring: &Keyring, staff: &Staff, filter: &ListFilter) -> Result<QueuePage, DeskError> {
    let at = now();
    let mut page = QueuePage { queues: queues_in_scope(conn, staff).await?, ..QueuePage::default() };
    if filter.queue.as_ref().is_some_and(|queue| !page.queues.iter().any(|q| q.id == *queue)) {
        return Err(DeskError::NotFound);
    }
    let mut args = Vec::new();
    let Some(sql) = list_sql(staff, filter, at, db.backend(), &mut args) else {
        return if filter.queue.is_some() || filter.embassy.is_some() { Err(DeskError::NotFound) } else { Ok(page) };
    };
    let listed: Vec<ListedRow> = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    let more = listed.len() > PAGE_SIZE;
    page.cases = listed.into_iter().take(PAGE_SIZE).map(|row| row.open(keyring)).collect::<Result<_, _>>()?;
    page.next =
        more.then(|| page.cases.last()).flatten().map(|l| Cursor { priority: l.meta.priority.rank(), created_at: l.meta.created_at, id: l.meta.id.clone() });

    let until = crate::domain::Date::from_unix(at + 7 * 86400).to_string();
    let mut args = Vec::new();
    if let Some(sql) = deadlines_sql(staff, &until, &mut args) {
        page.deadlines = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    }
    let holders_of = match staff.role {
        Role::Volunteer => None,
        Role::Lead => staff.embassy_id.clone(),
        Role::Admin => Some(filter.embassy.clone().unwrap_or_default()),
    };
    if let Some(embassy) = holders_of {
        page.holders =
            sqlx::query_as("SELECT id, login FROM people WHERE active = 1 AND role IN ('volunteer', 'lead') AND ($1 = '' OR embassy_id = $1) ORDER BY login")
                .bind(embassy)
                .fetch_all(&mut *conn)
                .await?;
    }
    if staff.role == Role::Admin {
        page.embassies = sqlx::query_as("SELECT id, name FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    }
    // One row per case whose name the page opened, so that "who saw this name" is a look-up
    // by case like every other row of a case; a page that lists nothing opened nothing.
    let actor = staff.actor();
    let events: Vec<AuditEvent> = page.cases.iter().map(|c| AuditEvent::new(&actor, AuditAction::CaseList, Some(&c.meta.id), Outcome::Ok)).collect();
    if !events.is_empty() {
        let mut tx = db.begin_on(conn).await?;
        audit::append_all(&mut tx, keyring, &events).await?;
        tx.commit().await?;
    }
    Ok(page)
}

/// A queue in scope with its counts of open cases by status and assignment.
pub struct QueueSummary {
    pub id: String,
    pub embassy_id: String,
    pub embassy: String,
    pub name: String,
    pub category: Option<Category>,
    /// `(status, assigned, count)` for open statuses.
    pub counts: Vec<(Status, bool, i64)>,
}

/// A deadline of a case.
#[derive(sqlx::FromRow)]
pub struct DeadlineRow {
    pub id: String,
    pub case_id: String,
    pub reference: String,
    pub kind: String,
    pub due_on: String,
    /// When it was marked done; `None` while it is open.
    pub done_at: Option<i64>,
}

/// How many deadlines the queue page shows.
pub const DEADLINES_SHOWN: usize = 20;

/// The statement of the queue page's deadlines: open deadlines due on or before `until`
/// (past ones included) of cases in scope, the earliest [`DEADLINES_SHOWN`], in index
/// order. The scope is part of the statement (a volunteer's queues too), so deadlines of
/// other queues never crowd out the person's own. Its arguments are appended to `args`.
/// `None` when the scope holds no queue.
pub fn deadlines_sql(staff: &Staff, until: &str, args: &mut Vec<Arg>) -> Option<String> {
    if staff.role == Role::Volunteer && staff.queue_ids.is_empty() {
        return None;
    }
    args.push(Arg::Text(until.to_owned()));
    let mut sql = format!(
        "SELECT d.id, d.case_id, c.reference, d.kind, d.due_on, d.done_at FROM case_deadlines d JOIN cases c ON c.id = d.case_id \
         WHERE d.done_at IS NULL AND d.due_on <= ${}",
        args.len()
    );
    if staff.role != Role::Admin {
        args.push(Arg::Text(staff.embassy_id.clone()?));
        sql.push_str(&format!(" AND d.embassy_id = ${}", args.len()));
    }
    if staff.role == Role::Volunteer {
        sql.push_str(" AND c.queue_id IN (");
        push_params(&mut sql, args.len() + 1, staff.queue_ids.len());
        sql.push(')');
        args.extend(staff.queue_ids.iter().cloned().map(Arg::Text));
    }
    sql.push_str(&format!(" ORDER BY d.due_on, d.id LIMIT {DEADLINES_SHOWN}"));
    Some(sql)
}
