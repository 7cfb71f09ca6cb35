//! The requester's form posts. They are plain HTML forms, so they work with JavaScript off:
//! each handler reads the form, acts, and either redirects (303) to the next page or renders
//! the same page again with what was typed and what went wrong — never losing input, never
//! putting it in a URL.

use crate::{
    api::{
        follow_up::{Draft, DraftKind, LoginProblem, LoginView, PostedDraft, PostedLogin},
        intake::{IntakeNotice, IntakeView, PostedIntake, ReceiptDto},
        AppError,
    },
    app::shell,
    domain::{
        intake::{validate_message, IntakeForm},
        CaseId, CaseRef, ReceiptCode,
    },
    i18n::Locale,
    locale::{self, ChosenLang},
    server::{
        follow_up::{self, Author, MessageKind},
        form_token,
        intake::{self, Submission},
        receipts::{self, FollowUpError, Limits},
        AppState,
    },
};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{post, MethodRouter},
    Router,
};
use leptos::prelude::provide_context;

/// The POST routes of the requester pages (their GET pages are Leptos routes), as a table
/// so that the authorisation tests can enumerate them.
pub fn route_table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", post(intake_post)),
        ("/follow-up", post(login_post)),
        ("/follow-up/case", post(message_post)),
        ("/follow-up/logout", post(logout_post)),
        ("/follow-up/delete", post(delete_post)),
    ]
}

pub fn routes() -> Router<AppState> {
    route_table().into_iter().fold(Router::new(), |router, (path, handler)| router.route(path, handler))
}

/// A session cookie's name: `secure` (a `__Host-` name) behind https, `plain` on http://localhost.
pub(super) fn host_cookie_name(state: &AppState, secure: &'static str, plain: &'static str) -> &'static str {
    if state.config.public_url.starts_with("https://") {
        secure
    } else {
        plain
    }
}

/// A session cookie: HttpOnly, SameSite=Strict, whole site; Secure with a `__Host-` name.
pub(super) fn session_cookie_value(name: &str, token: &str, max_age: i64) -> HeaderValue {
    let secure = if name.starts_with("__Host-") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")).expect("cookie is ASCII")
}

fn cookie_name(state: &AppState) -> &'static str {
    host_cookie_name(state, "__Host-followup", "followup")
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    session_cookie_value(cookie_name(state), token, max_age)
}

pub(super) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The case of the current requester session, if any (for server functions and pages).
pub async fn session_case(state: &AppState) -> Result<Option<CaseId>, AppError> {
    let Some(parts) = leptos::prelude::use_context::<Parts>() else { return Ok(None) };
    match cookie_value(&parts.headers, cookie_name(state)) {
        Some(token) => Ok(follow_up::resume(&state.db, token).await?),
        None => Ok(None),
    }
}

/// A posted form: every value of every field, repeated keys kept.
pub(super) struct Posted(pub(super) Vec<(String, String)>);

impl Posted {
    pub(super) fn read(body: &Bytes) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }
    pub(super) fn one(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
    fn intake_form(&self) -> IntakeForm {
        IntakeForm {
            categories: self.all("categories"),
            country: self.one("country"),
            other_country: self.one("other_country"),
            city: self.one("city"),
            legal_status: self.one("legal_status"),
            permit_expiry: self.one("permit_expiry"),
            legal_deadline: self.one("legal_deadline"),
            document_kind: self.one("document_kind"),
            document_expiry: self.one("document_expiry"),
            household_size: self.one("household_size"),
            children: self.one("children_count"),
            housing_until: self.one("housing_until"),
            work_permit: self.one("work_permit"),
            work_field: self.one("work_field"),
            medical_kind: self.one("medical_kind"),
            urgency: self.all("urgency"),
            description: self.one("description"),
            name: self.one("name"),
            language: self.one("language"),
            contact_channel: self.one("contact_channel"),
            contact_handle: self.one("contact_handle"),
            consent: !self.one("consent").is_empty(),
        }
    }
}

/// Renders the page at the request's path with `context` provided, in the language the
/// form names (a switch button, or the page's own language), else the usual choice.
pub(super) async fn render(
    state: &AppState,
    parts: Parts,
    lang: Option<Locale>,
    status: StatusCode,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let options = state.leptos_options.clone();
    let app_state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(app_state.clone());
            super::headers::provide_request_nonce();
            if let Some(lang) = lang {
                provide_context(ChosenLang(lang));
            }
            context();
        },
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    if let Some(value) = lang.and_then(|l| HeaderValue::from_str(&locale::remember_cookie(l)).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

async fn intake_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = posted.intake_form();
    let token = posted.one("form_token");

    // A language switch re-renders the form in the new language with everything kept.
    if let Some(lang) = locale::from_code(&posted.one("switch_lang")) {
        let view = IntakeView { form, token, ..IntakeView::default() };
        return render(&state, parts, Some(lang), StatusCode::OK, move || provide_context(PostedIntake(view.clone()))).await;
    }
    let lang = locale::from_code(&posted.one("ui_lang"));
    let outcome = match intake::submit(&state.db, &state.keyring, &form, &token).await {
        Ok(outcome) => outcome,
        Err(e) => return AppError::internal(e).into_response(),
    };
    let fresh_token = || form_token::issue(&state.keyring, crate::server::db::now());
    let (view, status) = match outcome {
        Submission::Opened { reference, code } => (
            IntakeView { receipt: Some(ReceiptDto { reference: reference.to_string(), code: code.to_string() }), ..IntakeView::default() },
            StatusCode::CREATED,
        ),
        Submission::Invalid(errors) => {
            (IntakeView { form, errors, token, notice: Some(IntakeNotice::FixErrors), receipt: None }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Submission::StaleForm => {
            (IntakeView { form, token: fresh_token(), notice: Some(IntakeNotice::StaleForm), ..IntakeView::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Submission::Busy => (IntakeView { form, token, notice: Some(IntakeNotice::Busy), ..IntakeView::default() }, StatusCode::TOO_MANY_REQUESTS),
        Submission::AlreadySent => {
            (IntakeView { notice: Some(IntakeNotice::AlreadySent), token: fresh_token(), ..IntakeView::default() }, StatusCode::CONFLICT)
        }
    };
    render(&state, parts, lang, status, move || provide_context(PostedIntake(view.clone()))).await
}

async fn login_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let lang = locale::from_code(&posted.one("ui_lang"));
    let typed_reference = posted.one("reference");
    if let Some(lang) = locale::from_code(&posted.one("switch_lang")) {
        let view = LoginView { reference: typed_reference, problem: None };
        return render(&state, parts, Some(lang), StatusCode::OK, move || provide_context(PostedLogin(view.clone()))).await;
    }
    let problem = match (CaseRef::parse(&typed_reference), ReceiptCode::parse(&posted.one("code"))) {
        (None, _) => LoginProblem::ReferenceShape,
        (_, None) => LoginProblem::CodeShape,
        (Some(reference), Some(code)) => match receipts::verify(&state.db, &state.keyring, &Limits::default(), &reference, &code).await {
            Ok(case_id) => {
                let token = match follow_up::open_session(&state.db, &case_id).await {
                    Ok(t) => t,
                    Err(e) => return AppError::internal(e).into_response(),
                };
                let mut response = see_other("/follow-up/case");
                response.headers_mut().append(header::SET_COOKIE, session_cookie(&state, &token, follow_up::ABSOLUTE_SECS));
                return response;
            }
            Err(FollowUpError::Refused) => LoginProblem::NotRecognised,
            Err(FollowUpError::Throttled) => LoginProblem::TooManyAttempts,
            Err(e) => return AppError::internal(e).into_response(),
        },
    };
    let status = if problem == LoginProblem::TooManyAttempts { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = LoginView { reference: typed_reference, problem: Some(problem) };
    render(&state, parts, lang, status, move || provide_context(PostedLogin(view.clone()))).await
}

/// Reads a posted form.
pub(super) async fn read_form(state: &AppState, request: Request) -> Result<(Parts, Posted), Response> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, state.config.max_body_bytes).await.map_err(|_| AppError::BadRequest.into_response())?;
    Ok((parts, Posted::read(&body)))
}

/// A posted form and the case of its session; without a live session, the answer is a
/// redirect to the sign-in page.
async fn read_session_form(state: &AppState, request: Request) -> Result<(Parts, Posted, CaseId), Response> {
    let (parts, posted) = read_form(state, request).await?;
    let case = match cookie_value(&parts.headers, cookie_name(state)) {
        Some(token) => follow_up::resume(&state.db, token).await.map_err(|e| AppError::internal(e).into_response())?,
        None => None,
    };
    match case {
        Some(case_id) => Ok((parts, posted, case_id)),
        None => Err(see_other("/follow-up?ended=1")),
    }
}

async fn message_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, case_id) = match read_session_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (kind, draft_kind) = match posted.one("kind").as_str() {
        "information" => (MessageKind::Information, DraftKind::Information),
        _ => (MessageKind::Reply, DraftKind::Reply),
    };
    let text = posted.one("message");
    match validate_message(&text) {
        Ok(body) => match follow_up::post(
            &state.db,
            &state.keyring,
            &case_id,
            follow_up::Sender { author: Author::Requester, person_id: None, actor: "requester" },
            kind,
            &body,
        )
        .await
        {
            Ok(()) => see_other("/follow-up/case?sent=1"),
            Err(crate::server::cases::ReadError::Gone) => see_other("/follow-up?ended=1"),
            Err(e) => AppError::internal(e).into_response(),
        },
        Err(error) => {
            let draft = Draft { kind: draft_kind, text, error: error.rule };
            let lang = locale::from_code(&posted.one("ui_lang"));
            render(&state, parts, lang, StatusCode::UNPROCESSABLE_ENTITY, move || provide_context(PostedDraft(draft.clone()))).await
        }
    }
}

fn clear_session(state: &AppState, mut response: Response) -> Response {
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, "", 0));
    response
}

async fn logout_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, cookie_name(&state)) {
        if let Err(e) = follow_up::end_session(&state.db, token).await {
            return AppError::internal(e).into_response();
        }
    }
    clear_session(&state, see_other("/follow-up?ended=1"))
}

async fn delete_post(State(state): State<AppState>, request: Request) -> Response {
    let (_, posted, case_id) = match read_session_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if posted.one("confirm") != "yes" {
        return see_other("/follow-up/case");
    }
    match follow_up::delete_request(&state.db, &state.keyring, &case_id).await {
        Ok(()) => clear_session(&state, see_other("/follow-up/deleted")),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// Remembers a language chosen with a `?lang=` link (pages without a form), so the next
/// page speaks it too.
pub async fn remember_language(request: Request, next: axum::middleware::Next) -> Response {
    let chosen = request.uri().query().and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").and_then(|(_, v)| locale::from_code(&v)));
    let mut response = next.run(request).await;
    if let Some(value) = chosen.and_then(|l| HeaderValue::from_str(&locale::remember_cookie(l)).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
