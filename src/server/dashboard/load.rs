//! The dashboard's page loader and its CSV export: the caller's session and scope, the
//! filter checked (a bad date is reported next to its field and the default used), the
//! figures turned into DTOs or CSV rows. The export holds aggregates only and is audited.

use crate::domain::AuditAction;
use crate::domain::RuleCode;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    dashboard::{self, Figures, Range, Scope, MAX_RANGE_DAYS},
    db::now,
    staff::load::me_with_embassy,
    staff::request::current_staff,
    staff::Staff,
    AppState,
};
use crate::{
    api::{dashboard::*, form::FormState, AppError},
    domain::Date,
};

/// The range the filter asks for, and the `(field, rule)` errors of a bad one (then the
/// default range is counted).
pub fn range_of(filter: &DashboardFilter, at: i64) -> (Range, Vec<(String, RuleCode)>) {
    let default = Range::default_at(at);
    let mut errors = Vec::new();
    let mut date = |field: &str, value: &Option<String>| match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let parsed = Date::parse(v);
            if parsed.is_none() {
                errors.push((field.to_owned(), RuleCode::InvalidDate));
            }
            parsed
        }
    };
    let from = date("from", &filter.from);
    let to = date("to", &filter.to);
    if !errors.is_empty() {
        return (default, errors);
    }
    let to = to.unwrap_or(default.to);
    let from = from.unwrap_or_else(|| Date::from_unix(to.unix_start() - (dashboard::DEFAULT_RANGE_DAYS - 1) * 86_400));
    let days = to.days_since_epoch() - from.days_since_epoch() + 1;
    if days < 1 {
        return (default, vec![("from".to_owned(), RuleCode::AfterEnd)]);
    }
    if days > MAX_RANGE_DAYS {
        return (default, vec![("from".to_owned(), RuleCode::RangeTooLong)]);
    }
    (Range { from, to }, errors)
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

async fn load(state: &AppState, staff: &Staff, filter: &DashboardFilter) -> Result<(Scope, Range, Vec<(String, RuleCode)>, Figures, i64), AppError> {
    let at = now();
    let (range, errors) = range_of(filter, at);
    let scope = dashboard::scope(&state.db, staff, nonempty(&filter.embassy), nonempty(&filter.queue)).await?;
    let figures = dashboard::figures(&state.db, &state.medians, &scope, range, at).await?;
    Ok((scope, range, errors, figures, at))
}

fn days_between(earlier: i64, later: i64) -> i64 {
    Date::from_unix(later).days_since_epoch() - Date::from_unix(earlier).days_since_epoch()
}

pub async fn dashboard_page(state: &AppState, filter: DashboardFilter) -> Result<DashboardDto, AppError> {
    let staff = current_staff(state).await?;
    let (scope, range, errors, figures, at) = load(state, &staff, &filter).await?;
    let embassy_name = |id: &str| scope.embassies.iter().find(|(e, _)| e == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let by_queue: Vec<QueueLoadDto> = figures
        .queues
        .iter()
        .map(|q| QueueLoadDto {
            id: q.queue.id.clone(),
            name: q.queue.name.clone(),
            embassy: q.queue.embassy.clone(),
            open: q.by_status.iter().map(|(_, n)| n).sum(),
            by_status: q.by_status.clone(),
            unassigned: q.unassigned,
            oldest_unassigned_days: q.oldest_unassigned_at.map(|t| days_between(t, at)),
        })
        .collect();
    let oldest = figures.queues.iter().filter_map(|q| q.oldest_unassigned_at).min();
    let medians = |m: &[dashboard::Median; 2]| m.iter().map(|m| MedianDto { window_days: m.window_days, cases: m.cases, seconds: m.seconds }).collect();
    let form = (!errors.is_empty()).then(|| FormState {
        form: "dashboard".to_owned(),
        values: [("from", &filter.from), ("to", &filter.to)].into_iter().map(|(k, v)| (k.to_owned(), v.clone().unwrap_or_default())).collect(),
        errors,
        notice: None,
    });
    Ok(DashboardDto {
        me: me_with_embassy(&staff),
        filter,
        form,
        embassies: scope.embassies.iter().map(|(id, name)| ChoiceDto { id: id.clone(), name: name.clone() }).collect(),
        queues: scope.all_queues.iter().map(|q| ChoiceDto { id: q.id.clone(), name: format!("{} ({})", q.name, q.embassy) }).collect(),
        from: range.from.to_string(),
        to: range.to.to_string(),
        open: by_queue.iter().map(|q| q.open).sum(),
        unassigned: by_queue.iter().map(|q| q.unassigned).sum(),
        oldest_unassigned_days: oldest.map(|t| days_between(t, at)),
        by_queue,
        weeks: figures.weeks.iter().map(|w| WeekDto { monday: w.monday.to_string(), opened: w.opened, resolved: w.resolved }).collect(),
        first_response: medians(&figures.first_response),
        resolution: medians(&figures.resolution),
        overdue: figures.overdue,
        deadlines_soon: figures.deadlines_soon,
        workload: figures
            .workload
            .iter()
            .map(|w| WorkloadDto {
                id: w.id.clone(),
                login: w.login.clone(),
                role: w.role,
                embassy: embassy_name(&w.embassy_id),
                open: w.open,
                overdue: w.overdue,
                last_activity_at: w.last_activity_at,
                last_login_at: w.last_login_at,
                threshold: w.threshold,
                overloaded: w.overloaded(),
            })
            .collect(),
        categories: figures.categories.clone(),
        intake: figures.intake.iter().map(|&(start, opened)| HourDto { start, opened }).collect(),
        insiders: figures
            .insiders
            .iter()
            .map(|p| InsiderDto {
                login: p.login.clone(),
                role: p.role,
                embassy: embassy_name(&p.embassy_id),
                opened: p.opened,
                threshold: p.threshold,
                audit_href: insider_audit_href(&p.login, at),
            })
            .collect(),
    })
}

/// The audit log filtered to a person's case openings, from the day an hour before `at`.
fn insider_audit_href(login: &str, at: i64) -> String {
    format!("/desk/audit?login={}&action={}&from={}", crate::domain::percent_encode(login), AuditAction::CaseView.as_str(), Date::from_unix(at - 3_600))
}

/// A field as a spreadsheet may take it: a leading formula character (`=`, `+`, `-`, `@`,
/// tab or carriage return) is defused with a quote, so that a name cannot run as a formula.
fn defused(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The export: one row per figure, `section,embassy,queue,key,value`. Aggregates only: no
/// case, no requester, no person. Audited as `dashboard.export` before it is returned.
pub async fn dashboard_csv(state: &AppState, staff: &Staff, filter: DashboardFilter) -> Result<(String, String), AppError> {
    let (scope, range, errors, figures, _) = load(state, staff, &filter).await?;
    if let Some((field, code)) = errors.into_iter().next() {
        return Err(AppError::invalid(&field, code));
    }
    let embassy_label = match scope.embassy_ids.as_slice() {
        [one] => scope.embassies.iter().find(|(id, _)| id == one).map(|(_, n)| n.clone()).unwrap_or_default(),
        _ => "all".to_owned(),
    };
    let queue_label = scope.queue.as_ref().and_then(|q| scope.queues.iter().find(|x| &x.id == q)).map_or("all".to_owned(), |q| q.name.clone());
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut failed = None;
    let mut row = |section: &str, embassy: &str, queue: &str, key: &str, value: String| {
        if let Err(e) = out.write_record([section, embassy, queue, key, value.as_str()].map(defused).iter().map(|f| f.as_ref())) {
            failed.get_or_insert(e);
        }
    };
    row("section", "embassy", "queue", "key", "value".into());
    row("range", &embassy_label, &queue_label, "from", range.from.to_string());
    row("range", &embassy_label, &queue_label, "to", range.to.to_string());
    for q in &figures.queues {
        for (status, n) in &q.by_status {
            row("open_by_status", &q.queue.embassy, &q.queue.name, status.as_str(), n.to_string());
        }
        row("unassigned", &q.queue.embassy, &q.queue.name, "count", q.unassigned.to_string());
        row(
            "unassigned",
            &q.queue.embassy,
            &q.queue.name,
            "oldest_opened_on",
            q.oldest_unassigned_at.map(|t| Date::from_unix(t).to_string()).unwrap_or_default(),
        );
    }
    for w in &figures.weeks {
        row("week", &embassy_label, &queue_label, &format!("{} opened", w.monday), w.opened.to_string());
        row("week", &embassy_label, &queue_label, &format!("{} resolved", w.monday), w.resolved.to_string());
    }
    for (name, medians) in [("first_response", &figures.first_response), ("resolution", &figures.resolution)] {
        for m in medians {
            let key = format!("median_seconds_{}d", m.window_days);
            row(name, &embassy_label, &queue_label, &key, m.seconds.map(|s| s.to_string()).unwrap_or_default());
            row(name, &embassy_label, &queue_label, &format!("cases_{}d", m.window_days), m.cases.to_string());
        }
    }
    row("overdue", &embassy_label, &queue_label, "count", figures.overdue.to_string());
    row("deadlines_next_7_days", &embassy_label, &queue_label, "cases", figures.deadlines_soon.to_string());
    row("workload", &embassy_label, &queue_label, "people", figures.workload.len().to_string());
    row("workload", &embassy_label, &queue_label, "overloaded", figures.workload.iter().filter(|w| w.overloaded()).count().to_string());
    row("workload", &embassy_label, &queue_label, "open_assigned", figures.workload.iter().map(|w| w.open).sum::<i64>().to_string());
    for (category, n) in &figures.categories {
        row("category", &embassy_label, &queue_label, category.as_str(), n.to_string());
    }
    for (start, n) in &figures.intake {
        let hour = format!("{}T{:02}", Date::from_unix(*start), start.rem_euclid(86_400) / 3_600);
        row("opened_per_hour", &embassy_label, &queue_label, &hour, n.to_string());
    }

    if let Some(e) = failed {
        return Err(AppError::internal(e));
    }
    let out = out.into_inner().map_err(|e| AppError::internal(e.into_error()))?;
    let out = String::from_utf8(out).map_err(AppError::internal)?;
    let object = (scope.embassy_ids.len() == 1).then(|| scope.embassy_ids[0].clone());
    audit::record(
        &state.db,
        &mut *state.db.acquire().await?,
        &state.keyring,
        &AuditEvent::new(&staff.actor(), AuditAction::DashboardExport, object.as_deref(), Outcome::Ok),
    )
    .await?;
    Ok((format!("dashboard-{}-{}.csv", range.from, range.to), out))
}

#[cfg(test)]
mod tests {
    #[test]
    fn spreadsheet_formulas_are_defused() {
        for (value, written) in [
            ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Warsaw", "Warsaw"),
            ("", ""),
        ] {
            assert_eq!(super::defused(value), written);
        }
    }
}
