//! The team page's posts: inviting, adding an embassy, service levels, retention,
//! deactivating, a person's role and queues, and a person's reset link.

use super::forms::{form_state, internal, refuse, render, see_other, signed_in, Posted};
use crate::domain::AuditAction;
use crate::domain::NoticeCode;
use crate::domain::RuleCode;
use crate::domain::TeamAction;
use crate::{
    api::{
        team::{NewInvitationLink, NewResetLink},
        AppError,
    },
    domain::Role,
    server::{
        audit::{self, AuditEvent, Outcome},
        db::DbError,
        staff::{self},
        team, AppState,
    },
};
use axum::{
    extract::{Request, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

/// Posts to the team page; the field `action` names the change.
pub(super) async fn team_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(action) = TeamAction::parse(&posted.one("action")) else {
        return AppError::NotFound.into_response();
    };
    match action {
        TeamAction::Invite => invite(&state, parts, posted, staff).await,
        TeamAction::Sla => service_levels(&state, parts, posted, staff).await,
        TeamAction::Deactivate => deactivate(&state, parts, &posted.one("person"), staff).await,
        TeamAction::Change => change_person(&state, parts, posted, staff).await,
        TeamAction::Retention => retention(&state, parts, posted, staff).await,
        TeamAction::Reset => reset(&state, parts, &posted.one("person"), staff).await,
        TeamAction::Insider => super::insider::insider_threshold(&state, parts, posted, staff).await,
    }
}

/// A person's role and queues. A refused change renders the team page with that person's
/// form open again.
pub(super) async fn change_person(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let person = posted.one("person");
    let result = match Role::parse(&posted.one("role")) {
        Some(role) => team::change(&state.db, &state.keyring, &staff, &person, role, Some(posted.one("embassy").as_str()), &posted.all("queues")).await,
        None => Err(team::ChangeError::Invalid("role", RuleCode::InvalidChoice)),
    };
    match result {
        // A changed role of one's own ends one's sessions: sign in again with it.
        Ok(()) if person == staff.id => see_other("/desk/login?ended=1"),
        Ok(()) => see_other("/desk/team?saved=change"),
        Err(team::ChangeError::Invalid(field, code)) => {
            let page = format!("/desk/team?person={}", crate::domain::percent_encode(&person));
            refuse(
                state,
                parts,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("change", posted.0.clone(), vec![(field.to_owned(), code.to_owned())], None),
            )
            .await
        }
        Err(team::ChangeError::NotFound) => AppError::NotFound.into_response(),
        Err(team::ChangeError::Db(e)) => internal(e),
    }
}

pub(super) async fn invite(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let state = state.clone();
    if !staff.is_lead_or_admin() {
        return AppError::NotFound.into_response();
    }
    let Some(role) = Role::parse(&posted.one("role")) else {
        return refuse(
            &state,
            parts,
            "/desk/team",
            StatusCode::UNPROCESSABLE_ENTITY,
            form_state("invite", posted.0.clone(), vec![("role".into(), RuleCode::InvalidChoice)], None),
        )
        .await;
    };
    let embassy = posted.one("embassy");
    match staff::invite(&state.db, &state.keyring, &staff, role, Some(embassy.as_str()), &posted.all("queues")).await {
        Ok(token) => {
            let link = format!("{}/desk/join/{token}", state.config.public_url.trim_end_matches('/'));
            let mut parts = parts;
            parts.method = axum::http::Method::GET;
            render(&state, parts, None, StatusCode::CREATED, move || provide_context(NewInvitationLink(link.clone()))).await
        }
        Err(staff::InviteError::NotAllowed) => {
            refuse(
                &state,
                parts,
                "/desk/team",
                StatusCode::FORBIDDEN,
                form_state("invite", posted.0.clone(), vec![("role".into(), RuleCode::NotAllowed)], None),
            )
            .await
        }
        Err(staff::InviteError::Invalid(field, code)) => {
            refuse(&state, parts, "/desk/team", StatusCode::UNPROCESSABLE_ENTITY, form_state("invite", posted.0.clone(), vec![(field.into(), code)], None))
                .await
        }
        Err(staff::InviteError::Db(e)) => internal(e),
    }
}

pub(super) async fn deactivate(state: &AppState, parts: Parts, person: &str, staff: staff::Staff) -> Response {
    match team::deactivate(&state.db, &state.keyring, &staff, person).await {
        // An admin who deactivated themselves is signed out with it.
        Ok(()) if person == staff.id => see_other("/desk/login?ended=1"),
        Ok(()) => see_other("/desk/team?saved=deactivate"),
        Err(team::DeactivateError::NotFound) => AppError::NotFound.into_response(),
        Err(team::DeactivateError::LastAdmin) => {
            refuse(state, parts, "/desk/team", StatusCode::UNPROCESSABLE_ENTITY, form_state("deactivate", vec![], vec![], Some(NoticeCode::LastAdmin))).await
        }
        Err(team::DeactivateError::Db(e)) => internal(e),
    }
}

/// Issues a reset link for a person of the caller's reach and shows it, once (the answer to
/// a post: never compressed, never stored). Anyone else: `NotFound`.
pub(super) async fn reset(state: &AppState, parts: Parts, person: &str, staff: staff::Staff) -> Response {
    match staff::resets::issue(&state.db, &state.keyring, &staff, person).await {
        Ok(Some(issued)) => {
            let link = NewResetLink { login: issued.login, link: format!("{}/desk/reset/{}", state.config.public_url.trim_end_matches('/'), issued.token) };
            let mut parts = parts;
            parts.method = axum::http::Method::GET;
            render(state, parts, None, StatusCode::CREATED, move || provide_context(link.clone())).await
        }
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => internal(e),
    }
}

/// Longest name of a holiday, in characters, and most holidays an embassy keeps.
const HOLIDAY_NAME_MAX: usize = 60;
const HOLIDAYS_MAX: usize = 200;

/// How the service levels form says hours are counted: calendar or business hours, the
/// opening hours of each day and the holidays (one per line, a date and a name). Problems
/// go to `errors` next to their field.
fn business_hours(posted: &Posted, errors: &mut Vec<(String, RuleCode)>) -> crate::server::db::embassies::BusinessHours {
    use crate::domain::service_hours::{Week, HOURS_FIELDS};
    let mut hours = crate::server::db::embassies::BusinessHours { counted: posted.one("counting") == "business", ..Default::default() };
    for (day, field) in HOURS_FIELDS.into_iter().enumerate() {
        match Week::parse_day(&posted.one(field)) {
            Ok(open) => hours.week.days[day] = open,
            Err(_) => errors.push((field.to_owned(), RuleCode::TimeRange)),
        }
    }
    if hours.counted && !hours.week.is_open_at_all() && errors.is_empty() {
        errors.push((HOURS_FIELDS[0].to_owned(), RuleCode::NoHours));
    }
    let text = posted.one("holidays");
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > HOLIDAYS_MAX {
        errors.push(("holidays".to_owned(), RuleCode::OutOfRange));
    }
    for line in lines {
        let (day, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let name = name.trim();
        match crate::domain::Date::parse(day) {
            None => {
                errors.push(("holidays".to_owned(), RuleCode::InvalidDate));
                break;
            }
            Some(_) if name.chars().count() > HOLIDAY_NAME_MAX || name.chars().any(char::is_control) => {
                errors.push(("holidays".to_owned(), RuleCode::TooLong));
                break;
            }
            Some(date) => hours.holidays.push((date, name.to_owned())),
        }
    }
    hours.holidays.sort();
    hours.holidays.dedup_by(|a, b| a.0 == b.0);
    hours
}

pub(super) async fn service_levels(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let state = state.clone();
    let embassy = posted.one("embassy");
    if !staff.manages_embassy(&embassy) {
        return AppError::NotFound.into_response();
    }
    let mut hours = [0i64; 4];
    let mut errors = Vec::new();
    for (i, name) in ["urgent", "high", "normal", "low"].into_iter().enumerate() {
        match posted.one(name).trim().parse::<i64>() {
            Ok(h) if (1..=24 * 90).contains(&h) => hours[i] = h,
            Ok(_) => errors.push((name.to_owned(), RuleCode::OutOfRange)),
            Err(_) if posted.one(name).trim().is_empty() => errors.push((name.to_owned(), RuleCode::Required)),
            Err(_) => errors.push((name.to_owned(), RuleCode::NotANumber)),
        }
    }
    // Open cases per person above which the dashboard flags overload; blank keeps it.
    let overload_text = posted.one("overload");
    let overload = match overload_text.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => Some(n),
            Ok(_) => {
                errors.push(("overload".to_owned(), RuleCode::OutOfRange));
                None
            }
            Err(_) => {
                errors.push(("overload".to_owned(), RuleCode::NotANumber));
                None
            }
        },
    };
    let business = business_hours(&posted, &mut errors);
    if !errors.is_empty() {
        return refuse(&state, parts, "/desk/team", StatusCode::UNPROCESSABLE_ENTITY, form_state("sla", posted.0.clone(), errors, None)).await;
    }
    let result = async {
        let mut tx = state.db.begin().await?;
        let changed = sqlx::query(
            "UPDATE embassies SET sla_urgent_hours = $2, sla_high_hours = $3, sla_normal_hours = $4, sla_low_hours = $5, \
             overload_threshold = COALESCE($6, overload_threshold) WHERE id = $1",
        )
        .bind(&embassy)
        .bind(hours[0])
        .bind(hours[1])
        .bind(hours[2])
        .bind(hours[3])
        .bind(overload)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        crate::server::db::embassies::set_business_hours(&mut tx, &embassy, &business).await?;
        audit::append(
            &mut tx,
            &state.keyring,
            &AuditEvent::new(&staff.actor(), AuditAction::EmbassySettings, Some(&embassy), if changed == 1 { Outcome::Ok } else { Outcome::NotFound }),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(changed)
    }
    .await;
    match result {
        Ok(1) => see_other("/desk/team?saved=sla"),
        Ok(_) => AppError::NotFound.into_response(),
        Err(e) => internal(e),
    }
}

/// Days an embassy keeps a closed case (admins): 1 to 3650, or blank for the server's default.
pub(super) async fn retention(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    if staff.role != Role::Admin {
        return AppError::NotFound.into_response();
    }
    let days = crate::domain::parse_retention_days(&posted.one("days"));
    let days = match days {
        Ok(days) => days,
        Err(code) => {
            return refuse(
                state,
                parts,
                "/desk/team",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("retention", posted.0.clone(), vec![("days".to_owned(), code)], None),
            )
            .await
        }
    };
    match team::set_retention(&state.db, &state.keyring, &staff, &posted.one("embassy"), days).await {
        Ok(true) => see_other("/desk/team?saved=retention"),
        Ok(false) => AppError::NotFound.into_response(),
        Err(e) => internal(e),
    }
}
