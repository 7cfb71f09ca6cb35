//! The queue pages' queries are served by indexes on both databases: no full scan of
//! `cases` and no sort of its rows, for every filter the page offers and every role. The
//! dashboard's queries read no large table in full either.

use crate::{
    helpers::{TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Priority, Status},
    server::{
        config::Backend,
        dashboard::{self, sql as dashboard_sql, Range},
        db::Arg,
        desk::{self, AssigneeFilter, Cursor, ListFilter},
        staff,
    },
};
use sqlx::Row;

on_both_backends!(queue_queries_use_indexes, dashboard_queries_use_indexes);

/// The plan of `sql` with `args` (text or integer), one line per node.
async fn plan(app: &TestApp, sql: &str, args: &[Arg]) -> String {
    let backend = app.state.db.backend();
    let explain = match backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => format!("EXPLAIN {sql}"),
    };
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    if backend == Backend::Postgres {
        // A handful of rows would make a sequential scan and a sort the cheapest plan. With
        // both priced out, the planner shows whether an index can serve the query at all.
        sqlx::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
        sqlx::query("SET enable_sort = off").execute(&mut *conn).await.unwrap();
    }
    let rows = sqlx::query_with(&explain, embassy_desk::server::db::arguments(args)).fetch_all(&mut *conn).await.unwrap();
    let column = if backend == Backend::Sqlite { 3 } else { 0 };
    let lines: Vec<String> = rows.iter().map(|r| r.try_get::<String, _>(column).unwrap()).collect();
    if backend == Backend::Postgres {
        sqlx::query("RESET enable_seqscan").execute(&mut *conn).await.unwrap();
        sqlx::query("RESET enable_sort").execute(&mut *conn).await.unwrap();
    }
    lines.join("\n")
}

fn assert_indexed(backend: Backend, what: &str, plan: &str) {
    match backend {
        Backend::Sqlite => {
            // Walking the partial index of open cases in order is the plan for "all open
            // cases"; any other scan of `cases` reads every row.
            let full = |l: &str| (l.starts_with("SCAN c") || l.starts_with("SCAN cases")) && !l.ends_with("USING INDEX cases_open");
            assert!(!plan.lines().any(full), "{what}: full scan of cases\n{plan}");
            // The listed names come from one key probe and one field probe per row.
            let sealed_scan = |l: &str| ["SCAN k", "SCAN f", "SCAN case_keys", "SCAN case_fields"].iter().any(|s| l.starts_with(s));
            assert!(!plan.lines().any(sealed_scan), "{what}: full scan of case keys or fields\n{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{what}: sorts rows\n{plan}");
        }
        Backend::Postgres => {
            assert!(!plan.contains("Seq Scan on cases"), "{what}: full scan of cases\n{plan}");
            assert!(!plan.contains("Seq Scan on case_keys") && !plan.contains("Seq Scan on case_fields"), "{what}: full scan of case keys or fields\n{plan}");
            assert!(!whole_table_join_of_cases(plan), "{what}: joins whole tables\n{plan}");
            assert!(!plan.contains("Sort"), "{what}: sorts rows\n{plan}");
            assert!(!plan.contains("Disabled"), "{what}: needs a disabled plan node\n{plan}");
        }
    }
}

/// Whether a hash or merge join in a PostgreSQL plan reads cases or their keys, fields or
/// deadlines (the nodes below it, by indentation). Such a join reads a whole table where
/// key probes would do; the queues in scope and their members are a few rows either way.
fn whole_table_join_of_cases(plan: &str) -> bool {
    let lines: Vec<&str> = plan.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    lines.iter().enumerate().any(|(i, line)| {
        (line.contains("Hash Join") || line.contains("Merge Join"))
            && lines[i + 1..]
                .iter()
                .take_while(|l| indent(l) > indent(line))
                .any(|l| [" on cases ", " on case_keys ", " on case_fields ", " on case_deadlines "].iter().any(|t| l.contains(t)))
    })
}

#[test]
fn whole_table_joins_are_told_by_what_they_read() {
    let over_cases = "Limit\n  ->  Hash Join\n        Hash Cond: (k.case_id = c.id)\n        ->  Seq Scan on case_keys k\n        ->  Hash\n              ->  Index Scan using cases_open on cases c\nResult";
    assert!(whole_table_join_of_cases(over_cases));
    let over_queues = "Aggregate\n  ->  Merge Join\n        ->  Index Scan using queues_pkey on queues q\n        ->  Index Scan using queue_members_pkey on queue_members m\n  ->  Index Scan using cases_open on cases c";
    assert!(!whole_table_join_of_cases(over_queues));
}

async fn queue_queries_use_indexes(app: TestApp) {
    let w = World::build(&app).await;
    let backend = app.state.db.backend();
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE").execute(app.state.db.pool()).await.unwrap();
    }
    let legal = w.legal.clone();
    let cursor = Some(Cursor { priority: 1, created_at: 1_700_000_000, id: "0b9d3a4e-1c2f-4a5b-8c6d-7e8f9a0b1c2d".into() });
    let filters = [
        ("open cases", ListFilter::default()),
        ("one queue", ListFilter { queue: Some(legal.clone()), ..Default::default() }),
        ("one status", ListFilter { status: Some(Status::Resolved), ..Default::default() }),
        ("queue and status", ListFilter { queue: Some(legal.clone()), status: Some(Status::WaitingForRequester), ..Default::default() }),
        ("priority", ListFilter { priority: Some(Priority::Urgent), ..Default::default() }),
        ("mine", ListFilter { assignee: AssigneeFilter::Me, ..Default::default() }),
        ("unassigned", ListFilter { assignee: AssigneeFilter::Unassigned, ..Default::default() }),
        ("unassigned in a queue", ListFilter { queue: Some(legal.clone()), assignee: AssigneeFilter::Unassigned, ..Default::default() }),
        ("overdue", ListFilter { overdue: true, ..Default::default() }),
        ("one embassy", ListFilter { embassy: Some(w.pl.embassy_id.clone()), ..Default::default() }),
        ("one person", ListFilter { person: Some(w.vol_legal.id.clone()), ..Default::default() }),
        ("one person, overdue", ListFilter { person: Some(w.vol_legal.id.clone()), overdue: true, ..Default::default() }),
        ("opened in the last hour", ListFilter { opened_within: Some(1), ..Default::default() }),
        ("new, opened in the last hour", ListFilter { status: Some(Status::New), opened_within: Some(1), ..Default::default() }),
        ("next page", ListFilter { after: cursor.clone(), ..Default::default() }),
        ("next page of a queue", ListFilter { queue: Some(legal.clone()), after: cursor.clone(), ..Default::default() }),
    ];
    // The list and the deadlines of the week, for every filter and role.
    let mut checked = 0;
    for (role, person) in [("lead", &w.lead_pl), ("volunteer", &w.vol_legal), ("admin", &w.admin)] {
        let staff = app.session_staff(person).await;
        for (name, filter) in &filters {
            let mut args = Vec::new();
            let Some(sql) = desk::list_sql(&staff, filter, 1_800_000_000, backend, &mut args) else { continue };
            assert_indexed(backend, &format!("{role}: {name}"), &plan(&app, &sql, &args).await);
            checked += 1;
        }
        let mut args = Vec::new();
        let sql = desk::deadlines_sql(&staff, "2027-01-01", &mut args).unwrap();
        let p = plan(&app, &sql, &args).await;
        let what = format!("{role}: deadlines of the week");
        assert_indexed(backend, &what, &p);
        match backend {
            Backend::Sqlite => assert!(!p.lines().any(|l| l.starts_with("SCAN d")), "{what}: full scan of deadlines\n{p}"),
            Backend::Postgres => assert!(!p.contains("Seq Scan on case_deadlines"), "{what}: full scan of deadlines\n{p}"),
        }
    }
    // A session is a probe of its tag under each key of the keyring (two after a rotation).
    let p = plan(&app, &staff::session_sql(backend, 2), &[Arg::Bytes(vec![7; 32]), Arg::Bytes(vec![8; 32])]).await;
    match backend {
        Backend::Sqlite => assert!(!p.lines().any(|l| l.starts_with("SCAN")), "session: a full scan\n{p}"),
        Backend::Postgres => assert!(!p.contains("Seq Scan"), "session: a full scan\n{p}"),
    }
    assert!(checked >= 30, "{checked}");
    // Take-next, for a lead (the whole embassy) and a volunteer (their queues).
    let sql = desk::take_next_query(0, backend);
    assert_indexed(backend, "take next (lead)", &plan(&app, &sql, &[Arg::Text(w.pl.embassy_id.clone())]).await);
    let sql = desk::take_next_query(2, backend);
    let housing = w.housing.clone();
    assert_indexed(backend, "take next (volunteer)", &plan(&app, &sql, &[Arg::Text(w.pl.embassy_id.clone()), Arg::Text(legal), Arg::Text(housing)]).await);
}

/// Tables that grow with the cases (or the audit log), by name or by the alias the
/// dashboard gives them.
const LARGE: [&str; 10] = ["cases", "c", "d", "case_days", "category_days", "case_deadlines", "audit_log", "queue_counts", "awaiting_days", "past_cases"];

async fn dashboard_queries_use_indexes(app: TestApp) {
    let w = World::build(&app).await;
    let backend = app.state.db.backend();
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE").execute(app.state.db.pool()).await.unwrap();
    }
    let at = 1_800_000_000;
    let range = Range::default_at(at);
    let legal = w.legal.clone();
    let mut checked = 0;
    for (who, person, embassy, queue) in [
        ("lead", &w.lead_pl, None, None),
        ("lead, one queue", &w.lead_pl, None, Some(legal.as_str())),
        ("admin, every embassy", &w.admin, None, None),
        ("admin, one embassy", &w.admin, Some(w.pl.embassy_id.as_str()), None),
    ] {
        let staff = app.session_staff(person).await;
        let scope = dashboard::scope(&app.state.db, &staff, embassy, queue).await.unwrap();
        for q in dashboard_sql::all(&scope, range, at, &w.vol_legal.id, backend) {
            let p = plan(&app, &q.sql, &q.args).await;
            let what = format!("{who}: {}", q.name);
            match backend {
                Backend::Sqlite => {
                    let full = |l: &str| l.strip_prefix("SCAN ").is_some_and(|rest| LARGE.contains(&rest.split(' ').next().unwrap_or_default()));
                    assert!(!p.lines().any(full), "{what}: full scan\n{p}");
                    assert!(q.sorts || !p.contains("TEMP B-TREE"), "{what}: sorts rows\n{p}");
                }
                Backend::Postgres => {
                    for table in LARGE {
                        assert!(
                            !p.contains(&format!("Seq Scan on {table} ")) && !p.ends_with(&format!("Seq Scan on {table}")),
                            "{what}: full scan of {table}\n{p}"
                        );
                    }
                    assert!(q.sorts || !p.contains("Sort"), "{what}: sorts rows\n{p}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked}");
}
