//! The desk's form posts. Like the requester's, they are plain HTML forms: each handler
//! checks the desk session, acts, and redirects (303) to the page to see next, or renders
//! the same page again with what was typed and what went wrong. Passwords and codes are
//! never given back.

use super::requester::{cookie_value, host_cookie_name, read_form, render, see_other, session_cookie_value, Posted};
use crate::{
    api::{
        dashboard::DashboardFilter,
        desk::{FormState, NewInvitationLink, PostedForm},
        AppError,
    },
    domain::{intake::validate_message, Category, Priority, Role, Status},
    server::{
        audit::{self, AuditEvent, Outcome},
        dashboard_api,
        db::{self, DbError},
        desk::{self, DeskError},
        staff::{self, Session, SignIn, Stage},
        team, AppState,
    },
};
use axum::{
    extract::{Path, Query, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post, MethodRouter},
    Router,
};
use leptos::prelude::provide_context;
use secrecy::SecretString;

/// The POST routes of the desk (its GET pages are Leptos routes), as a table so that the
/// authorisation tests can enumerate them.
pub fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/desk/login", post(login_post)),
        ("/desk/second-factor", post(second_factor_post)),
        ("/desk/logout", post(logout_post)),
        ("/desk/logout-everywhere", post(logout_everywhere_post)),
        ("/desk/join/{token}", post(join_post)),
        ("/desk", post(queue_post)),
        ("/desk/cases/{id}", post(case_post)),
        ("/desk/team", post(team_post)),
        ("/desk/audit", post(audit_post)),
    ]
}

/// The actions posted to a case page (field `action`).
pub const CASE_ACTIONS: [&str; 10] = ["note", "reply", "status", "priority", "route", "assign", "take", "hand-back", "deadline", "deadline-done"];
/// The actions posted to the queue page.
pub const QUEUE_ACTIONS: [&str; 1] = ["take-next"];
/// The actions posted to the audit page.
pub const AUDIT_ACTIONS: [&str; 1] = ["check"];
/// The actions posted to the team page.
pub const TEAM_ACTIONS: [&str; 5] = ["invite", "embassy", "sla", "deactivate", "change"];

/// Files the desk serves besides its pages (GET), as a table for the authorisation tests.
pub fn download_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/desk/dashboard.csv", get(dashboard_csv_get))]
}

pub fn routes() -> Router<AppState> {
    route_table().into_iter().chain(download_table()).fold(Router::new(), |router, (path, handler)| router.route(path, handler))
}

/// Name of the desk session cookie: `__Host-desk` behind https, `desk` on http://localhost.
pub fn cookie_name(state: &AppState) -> &'static str {
    host_cookie_name(state, "__Host-desk", "desk")
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    session_cookie_value(cookie_name(state), token, max_age)
}

fn with_session(state: &AppState, mut response: Response, token: &str) -> Response {
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, token, staff::ABSOLUTE_SECS));
    response
}

fn without_session(state: &AppState, mut response: Response) -> Response {
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, "", 0));
    response
}

/// The desk session of a request (any stage) and its token.
pub async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<(Session, String)>, DbError> {
    let Some(token) = cookie_value(headers, cookie_name(state)) else { return Ok(None) };
    Ok(staff::resume(&state.db, token).await?.map(|s| (s, token.to_owned())))
}

/// The signed-in person of a page render or server function: a full session, else
/// `Unauthorized`.
pub async fn current_staff(state: &AppState) -> Result<staff::Staff, AppError> {
    staff_on(state, &mut *state.db.acquire().await?).await
}

/// [`current_staff`] on the request's connection, which the page goes on to use.
pub async fn staff_on(state: &AppState, conn: &mut db::Conn) -> Result<staff::Staff, AppError> {
    let token = desk_token(state)?;
    match staff::resume_on(conn, state.db.backend(), &token).await? {
        Some(session) if session.stage == Stage::Full => Ok(session.staff),
        _ => Err(AppError::Unauthorized),
    }
}

/// The desk session token of a page render or server function; `Unauthorized` without
/// one, before any database work.
pub fn desk_token(state: &AppState) -> Result<String, AppError> {
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    cookie_value(&parts.headers, cookie_name(state)).map(str::to_owned).ok_or(AppError::Unauthorized)
}

/// The dashboard's figures as CSV (aggregates only), for leads and admins; audited.
async fn dashboard_csv_get(State(state): State<AppState>, Query(filter): Query<DashboardFilter>, headers: HeaderMap) -> Response {
    let staff = match session_of(&state, &headers).await {
        Ok(Some((session, _))) if session.stage == Stage::Full => session.staff,
        Ok(_) => return see_other("/desk/login?ended=1"),
        Err(e) => return internal(e),
    };
    match dashboard_api::dashboard_csv(&state, &staff, filter).await {
        Ok((file_name, body)) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\""))],
            body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The half-signed session of a page render (password given, second factor due).
pub async fn pending_staff(state: &AppState) -> Result<staff::Staff, AppError> {
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    match session_of(state, &parts.headers).await? {
        Some((session, _)) if session.stage == Stage::Password => Ok(session.staff),
        _ => Err(AppError::Unauthorized),
    }
}

fn internal(e: impl std::fmt::Display) -> Response {
    AppError::internal(e).into_response()
}

/// Renders the page at `path` (not the post's own path) with a refused form.
async fn refuse(state: &AppState, mut parts: Parts, path: &str, status: StatusCode, form: FormState) -> Response {
    if let Ok(uri) = path.parse::<Uri>() {
        parts.uri = uri;
    }
    parts.method = axum::http::Method::GET;
    render(state, parts, None, status, move || provide_context(PostedForm(form.clone()))).await
}

fn form_state(form: &str, values: Vec<(String, String)>, errors: Vec<(String, String)>, notice: Option<&str>) -> FormState {
    FormState { form: form.to_owned(), values, errors, notice: notice.map(str::to_owned) }
}

/// A full session for a post; without one, to the sign-in page.
async fn signed_in(state: &AppState, request: Request) -> Result<(Parts, Posted, staff::Staff), Response> {
    let (parts, posted) = read_form(state, request).await?;
    match session_of(state, &parts.headers).await.map_err(internal)? {
        Some((session, _)) if session.stage == Stage::Full => Ok((parts, posted, session.staff)),
        _ => Err(see_other("/desk/login?ended=1")),
    }
}

async fn login_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let login = posted.one("login");
    let password = posted.one("password");
    let mut errors = Vec::new();
    if login.trim().is_empty() {
        errors.push(("login".to_owned(), "required".to_owned()));
    }
    if password.is_empty() {
        errors.push(("password".to_owned(), "required".to_owned()));
    }
    if !errors.is_empty() {
        return refuse(&state, parts, "/desk/login", StatusCode::UNPROCESSABLE_ENTITY, form_state("login", vec![("login".into(), login)], errors, None)).await;
    }
    match staff::sign_in(&state.db, &state.keyring, &login, SecretString::from(password)).await {
        Ok(SignIn::Session { token, stage }) => {
            let next = if stage == Stage::Full { "/desk" } else { "/desk/second-factor" };
            with_session(&state, see_other(next), &token)
        }
        Ok(SignIn::Refused) => {
            refuse(
                &state,
                parts,
                "/desk/login",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("login", vec![("login".into(), login)], vec![], Some("not_recognised")),
            )
            .await
        }
        Ok(SignIn::Throttled) => {
            refuse(
                &state,
                parts,
                "/desk/login",
                StatusCode::TOO_MANY_REQUESTS,
                form_state("login", vec![("login".into(), login)], vec![], Some("too_many_attempts")),
            )
            .await
        }
        Err(e) => internal(e),
    }
}

async fn second_factor_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (session, token) = match session_of(&state, &parts.headers).await {
        Ok(Some(found)) if found.0.stage == Stage::Password => found,
        Ok(_) => return see_other("/desk/login?ended=1"),
        Err(e) => return internal(e),
    };
    let code = posted.one("code");
    if code.trim().is_empty() {
        return refuse(
            &state,
            parts,
            "/desk/second-factor",
            StatusCode::UNPROCESSABLE_ENTITY,
            form_state("code", vec![], vec![("code".into(), "required".into())], None),
        )
        .await;
    }
    match staff::second_factor(&state.db, &state.keyring, &token, &session.staff, &code).await {
        Ok(SignIn::Session { token, .. }) => with_session(&state, see_other("/desk"), &token),
        Ok(SignIn::Refused) => {
            refuse(
                &state,
                parts,
                "/desk/second-factor",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("code", vec![], vec![("code".into(), "code_wrong".into())], None),
            )
            .await
        }
        Ok(SignIn::Throttled) => {
            refuse(&state, parts, "/desk/second-factor", StatusCode::TOO_MANY_REQUESTS, form_state("code", vec![], vec![], Some("too_many_attempts"))).await
        }
        Err(e) => internal(e),
    }
}

async fn logout_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, cookie_name(&state)) {
        if let Err(e) = staff::end(&state.db, token).await {
            return internal(e);
        }
    }
    without_session(&state, see_other("/desk/login?ended=1"))
}

async fn logout_everywhere_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match session_of(&state, &headers).await {
        Ok(Some((session, _))) => {
            if let Err(e) = staff::end_all(&state.db, &state.keyring, &session.staff).await {
                return internal(e);
            }
        }
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    without_session(&state, see_other("/desk/login?ended=1"))
}

async fn join_post(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let login = posted.one("login");
    let password = SecretString::from(posted.one("password"));
    let again = SecretString::from(posted.one("password_again"));
    let page = format!("/desk/join/{token}");
    match staff::accept(&state.db, &state.keyring, &token, &login, password, &again).await {
        Ok(SignIn::Session { token, stage }) => {
            let next = if stage == Stage::Full { "/desk" } else { "/desk/second-factor" };
            with_session(&state, see_other(next), &token)
        }
        Ok(_) => see_other("/desk/login"),
        Err(staff::AcceptError::Gone) => refuse(&state, parts, &page, StatusCode::NOT_FOUND, FormState::default()).await,
        Err(staff::AcceptError::Invalid(field, code)) => {
            refuse(
                &state,
                parts,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("join", vec![("login".into(), login)], vec![(field.into(), code.into())], None),
            )
            .await
        }
        Err(staff::AcceptError::Db(e)) => internal(e),
    }
}

/// Posts to the queue page: take-next.
async fn queue_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !QUEUE_ACTIONS.contains(&posted.one("action").as_str()) {
        return AppError::NotFound.into_response();
    }
    match desk::take_next(&state.db, &state.keyring, &staff).await {
        Ok(Some(case_id)) => see_other(&format!("/desk/cases/{case_id}")),
        Ok(None) => refuse(&state, parts, "/desk", StatusCode::OK, form_state("take_next", vec![], vec![], Some("nothing_to_take"))).await,
        Err(e) => AppError::from(e).into_response(),
    }
}

fn rule_code(rule: crate::domain::intake::Rule) -> &'static str {
    use crate::domain::intake::Rule;
    match rule {
        Rule::Required => "required",
        Rule::TooLong => "too_long",
        Rule::ControlCharacters => "control_characters",
        _ => "invalid_choice",
    }
}

/// Posts to a case page; the field `action` names the change.
async fn case_post(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let action = posted.one("action");
    // Every action is listed in CASE_ACTIONS, which the authorisation tests enumerate.
    if !CASE_ACTIONS.contains(&action.as_str()) {
        return AppError::NotFound.into_response();
    }
    let page = format!("/desk/cases/{id}");
    let (db, keyring) = (&state.db, &state.keyring);
    let result = match action.as_str() {
        "note" | "reply" => match validate_message(&posted.one("body")) {
            Ok(body) if action == "note" => desk::add_note(db, keyring, &staff, &id, &body).await,
            Ok(body) => desk::reply(db, keyring, &staff, &id, &body).await,
            Err(e) => Err(DeskError::Invalid("body", rule_code(e.rule))),
        },
        "status" => match Status::parse(&posted.one("status")) {
            Some(next) => desk::change_status(db, keyring, &staff, &id, next).await,
            None => Err(DeskError::Invalid("status", "invalid_choice")),
        },
        "priority" => match Priority::parse(&posted.one("priority")) {
            Some(p) => desk::change_priority(db, keyring, &staff, &id, p).await,
            None => Err(DeskError::Invalid("priority", "invalid_choice")),
        },
        "route" => {
            let categories: Option<Vec<Category>> = posted.all("categories").iter().map(|c| Category::parse(c)).collect();
            match categories {
                Some(categories) => desk::reroute(db, keyring, &staff, &id, &posted.one("queue"), &categories).await,
                None => Err(DeskError::Invalid("categories", "invalid_choice")),
            }
        }
        "assign" => {
            let person = posted.one("person");
            desk::assign(db, keyring, &staff, &id, Some(person.as_str()).filter(|p| !p.is_empty())).await
        }
        "take" => desk::take(db, keyring, &staff, &id).await,
        "hand-back" => desk::hand_back(db, keyring, &staff, &id).await,
        "deadline" => desk::add_deadline(db, keyring, &staff, &id, &posted.one("kind"), &posted.one("due_on")).await,
        "deadline-done" => desk::complete_deadline(db, keyring, &staff, &id, &posted.one("deadline")).await,
        _ => Err(DeskError::NotFound),
    };
    match result {
        Ok(()) if action == "hand-back" => see_other("/desk"),
        Ok(()) => see_other(&format!("{page}?saved={action}")),
        Err(DeskError::Invalid(field, code)) => {
            let values = posted.0.clone();
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form_state(&action, values, vec![(field.to_owned(), code.to_owned())], None)).await
        }
        Err(DeskError::NotAllowed) => {
            refuse(&state, parts, &page, StatusCode::FORBIDDEN, form_state(&action, posted.0.clone(), vec![], Some("not_allowed"))).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// Posts to the audit page: `check` verifies the whole chain now (leads and admins).
async fn audit_post(State(state): State<AppState>, request: Request) -> Response {
    let (_, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !staff.is_lead_or_admin() || posted.one("action") != "check" {
        return AppError::NotFound.into_response();
    }
    let result = async {
        let check = state.chain.check_now(&state.db, &state.keyring).await?;
        let mut tx = state.db.begin().await?;
        let outcome = if check.result.is_ok() { Outcome::Ok } else { Outcome::Failed };
        audit::append(&mut tx, &state.keyring, &AuditEvent::new(&staff.actor(), "audit.check", None, outcome)).await?;
        tx.commit().await?;
        Ok::<_, DbError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/desk/audit?saved=check"),
        Err(e) => internal(e),
    }
}

/// Posts to the team page; the field `action` names the change.
async fn team_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match posted.one("action").as_str() {
        "invite" => invite(&state, parts, posted, staff).await,
        "embassy" => add_embassy(&state, parts, posted, staff).await,
        "sla" => service_levels(&state, parts, posted, staff).await,
        "deactivate" => deactivate(&state, &posted.one("person"), staff).await,
        "change" => change_person(&state, parts, posted, staff).await,
        _ => AppError::NotFound.into_response(),
    }
}

/// A person's role and queues. A refused change renders the team page with that person's
/// form open again.
async fn change_person(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let person = posted.one("person");
    let result = match Role::parse(&posted.one("role")) {
        Some(role) => team::change(&state.db, &state.keyring, &staff, &person, role, &posted.all("queues")).await,
        None => Err(team::ChangeError::Invalid("role", "invalid_choice")),
    };
    match result {
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

async fn invite(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
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
            form_state("invite", posted.0.clone(), vec![("role".into(), "invalid_choice".into())], None),
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
                form_state("invite", posted.0.clone(), vec![("role".into(), "not_allowed".into())], None),
            )
            .await
        }
        Err(staff::InviteError::Invalid(field, code)) => {
            refuse(
                &state,
                parts,
                "/desk/team",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("invite", posted.0.clone(), vec![(field.into(), code.into())], None),
            )
            .await
        }
        Err(staff::InviteError::Db(e)) => internal(e),
    }
}

async fn deactivate(state: &AppState, person: &str, staff: staff::Staff) -> Response {
    match staff::deactivate(&state.db, &state.keyring, &staff, person).await {
        Ok(true) => see_other("/desk/team?saved=deactivate"),
        Ok(false) => AppError::NotFound.into_response(),
        Err(e) => internal(e),
    }
}

async fn add_embassy(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let state = state.clone();
    if staff.role != Role::Admin {
        return AppError::NotFound.into_response();
    }
    let code = posted.one("code").trim().to_lowercase();
    let Some((code, country, name)) = db::embassies::KNOWN.iter().find(|(c, _, _)| *c == code) else {
        return refuse(
            &state,
            parts,
            "/desk/team",
            StatusCode::UNPROCESSABLE_ENTITY,
            form_state("embassy", posted.0.clone(), vec![("code".into(), "invalid_choice".into())], None),
        )
        .await;
    };
    let result = async {
        let mut tx = state.db.begin().await?;
        db::embassies::ensure(&mut tx, &state.keyring, &staff.actor(), code, country, &format!("People's Embassy in {name}"), false).await?;
        tx.commit().await?;
        Ok::<_, DbError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/desk/team?saved=embassy"),
        Err(e) => internal(e),
    }
}

async fn service_levels(state: &AppState, parts: Parts, posted: Posted, staff: staff::Staff) -> Response {
    let state = state.clone();
    let embassy = posted.one("embassy");
    let allowed = match staff.role {
        Role::Admin => true,
        Role::Lead => staff.embassy_id.as_deref() == Some(embassy.as_str()),
        Role::Volunteer => false,
    };
    if !allowed {
        return AppError::NotFound.into_response();
    }
    let mut hours = [0i64; 4];
    let mut errors = Vec::new();
    for (i, name) in ["urgent", "high", "normal", "low"].into_iter().enumerate() {
        match posted.one(name).trim().parse::<i64>() {
            Ok(h) if (1..=24 * 90).contains(&h) => hours[i] = h,
            Ok(_) => errors.push((name.to_owned(), "out_of_range".to_owned())),
            Err(_) if posted.one(name).trim().is_empty() => errors.push((name.to_owned(), "required".to_owned())),
            Err(_) => errors.push((name.to_owned(), "not_a_number".to_owned())),
        }
    }
    // Open cases per person above which the dashboard flags overload; blank keeps it.
    let overload_text = posted.one("overload");
    let overload = match overload_text.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => Some(n),
            Ok(_) => {
                errors.push(("overload".to_owned(), "out_of_range".to_owned()));
                None
            }
            Err(_) => {
                errors.push(("overload".to_owned(), "not_a_number".to_owned()));
                None
            }
        },
    };
    if !errors.is_empty() {
        return refuse(&state, parts, "/desk/team", StatusCode::UNPROCESSABLE_ENTITY, form_state("sla", posted.0.clone(), errors, None)).await;
    }
    let need_totp = i64::from(!posted.one("volunteers_need_totp").is_empty());
    let result = async {
        let mut tx = state.db.begin().await?;
        let changed = sqlx::query(
            "UPDATE embassies SET sla_urgent_hours = $2, sla_high_hours = $3, sla_normal_hours = $4, sla_low_hours = $5, volunteers_need_totp = $6, \
             overload_threshold = COALESCE($7, overload_threshold) WHERE id = $1",
        )
        .bind(&embassy)
        .bind(hours[0])
        .bind(hours[1])
        .bind(hours[2])
        .bind(hours[3])
        .bind(need_totp)
        .bind(overload)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        audit::append(
            &mut tx,
            &state.keyring,
            &AuditEvent::new(&staff.actor(), "embassy.settings", Some(&embassy), if changed == 1 { Outcome::Ok } else { Outcome::NotFound }),
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
