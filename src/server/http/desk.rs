//! The desk's posts on the queue and case pages and the audit page, and the dashboard's CSV
//! file. Each checks the desk session, acts, and redirects (303) to the page to see next, or
//! renders the same page again with what was typed and what went wrong.

use super::forms::{form_state, internal, refuse, see_other, session_at, signed_in, Posted};
use super::uploads::{read_upload, Uploaded};
use crate::domain::AuditAction;
use crate::domain::{AuditPageAction, CaseAction, CaseRef, QueueAction};
use crate::domain::{NoticeCode, RuleCode};
use crate::{
    api::{dashboard::DashboardFilter, AppError},
    domain::{intake::validate_message, Category, Priority, Status},
    server::{
        audit::{self, AuditEvent, Outcome},
        dashboard,
        db::DbError,
        desk::{self, DeskError},
        documents::{attach::Attaching, stage::Destination, Origin},
        staff::{Staff, Stage},
        AppState,
    },
};
use axum::{
    extract::{Path, Query, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

/// Posts to the queue page: take-next, and marking chosen cases as spam.
pub(super) async fn queue_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match QueueAction::parse(&posted.one("action")) {
        Some(QueueAction::TakeNext) => {}
        Some(QueueAction::Spam) => return spam_post(&state, parts, posted, staff).await,
        None => return AppError::NotFound.into_response(),
    }
    match desk::take_next(&state.db, &state.keyring, &staff).await {
        Ok(Some(case_id)) => see_other(&format!("/desk/cases/{case_id}")),
        Ok(None) => refuse(&state, parts, "/desk", StatusCode::OK, form_state("take_next", vec![], vec![], Some(NoticeCode::NothingToTake))).await,
        Err(e) => AppError::from(e).into_response(),
    }
}

/// Marks the chosen cases (`cases`, repeated) as spam and closes them, all or none; then back
/// to the list as it was filtered (`back`, the list's query), which says how many were closed.
/// A refused post renders that list again with the cases still chosen and a notice.
async fn spam_post(state: &AppState, parts: Parts, posted: Posted, staff: Staff) -> Response {
    let back = posted.one("back");
    let back = list_query(&back);
    match desk::mark_spam(&state.db, &state.keyring, &staff, &posted.all("cases")).await {
        Ok(closed) => see_other(&format!("/desk?{back}{}spam={closed}", if back.is_empty() { "" } else { "&" })),
        Err(DeskError::Invalid(_, code)) => {
            let notice = match code {
                RuleCode::Required => NoticeCode::NothingChosen,
                RuleCode::TooLong => NoticeCode::TooManyChosen,
                _ => NoticeCode::NotJunk,
            };
            let page = if back.is_empty() { "/desk".to_owned() } else { format!("/desk?{back}") };
            let form = form_state(QueueAction::Spam.as_str(), posted.0.clone(), vec![], Some(notice));
            refuse(state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// The list's query as the spam form sends it back, if it has a query's shape (the page
/// builds it from percent-encoded parts); anything else is dropped.
fn list_query(back: &str) -> &str {
    let shaped = back.len() <= 512 && back.bytes().all(|b| b.is_ascii_alphanumeric() || b"=&%-._~".contains(&b));
    if shaped {
        back
    } else {
        ""
    }
}

pub(super) fn rule_code(rule: crate::domain::intake::Rule) -> RuleCode {
    RuleCode::of_rule(rule)
}

/// Where the files of a case's reply form go: staged under the form's `upload` token, when
/// the caller may reply on the case; `None` (no file is read) otherwise.
async fn reply_destination(state: &AppState, staff: &Staff, case_id: &str, posted: &Posted) -> Option<Destination> {
    let token = posted.one("upload");
    if token.is_empty() {
        return None;
    }
    let case_bytes = desk::reply_room(&state.db, staff, case_id).await.ok().flatten()?;
    Some(Destination { token, origin: Origin::Desk, person_id: Some(staff.id.clone()), case_bytes })
}

/// Posts to a case page; the field `action` names the change. A reply may carry documents
/// (a multipart post whose `upload` token comes before its files); they are taken only when
/// the caller may reply on the case.
pub(super) async fn case_post(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let staff = match session_at(&state, request.headers(), Stage::Full).await {
        Ok((session, _)) => session.staff,
        Err(response) => return response,
    };
    let may_upload = async |posted: &Posted| {
        if CaseAction::parse(&posted.one("action")) != Some(CaseAction::Reply) {
            return None;
        }
        reply_destination(&state, &staff, &id, posted).await
    };
    let uploaded = match read_upload(&state, request, may_upload).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let file_error = uploaded.refused.map(|refusal| rule_code(refusal.rule()));
    let keep = uploaded.keep();
    let Uploaded { parts, posted, .. } = uploaded;
    // Every action is a `CaseAction`, which the authorisation tests enumerate.
    let Some(action) = CaseAction::parse(&posted.one("action")) else {
        return AppError::NotFound.into_response();
    };
    let page = format!("/desk/cases/{id}");
    let (db, keyring) = (&state.db, &state.keyring);
    let result = match action {
        CaseAction::Note | CaseAction::Reply => match (validate_message(&posted.one("body")), file_error) {
            (Ok(body), _) if action == CaseAction::Note => desk::add_note(db, keyring, &staff, &id, &body).await,
            // A refused file comes back next to the file field; the files taken stay staged.
            (Ok(_), Some(code)) => Err(DeskError::Invalid("documents", code)),
            (Ok(body), None) => desk::reply(db, keyring, &staff, &id, &body, Attaching { token: &posted.one("upload"), keep: &keep }).await,
            (Err(e), _) => Err(DeskError::Invalid("body", rule_code(e.rule))),
        },
        CaseAction::Status => match Status::parse(&posted.one("status")) {
            Some(next) => desk::change_status(db, keyring, &staff, &id, next).await,
            None => Err(DeskError::Invalid("status", RuleCode::InvalidChoice)),
        },
        CaseAction::Priority => match Priority::parse(&posted.one("priority")) {
            Some(p) => desk::change_priority(db, keyring, &staff, &id, p).await,
            None => Err(DeskError::Invalid("priority", RuleCode::InvalidChoice)),
        },
        CaseAction::Route => {
            let categories: Option<Vec<Category>> = posted.all("categories").iter().map(|c| Category::parse(c)).collect();
            match categories {
                Some(categories) => desk::reroute(db, keyring, &staff, &id, &posted.one("queue"), &categories).await,
                None => Err(DeskError::Invalid("categories", RuleCode::InvalidChoice)),
            }
        }
        CaseAction::Assign => {
            let person = posted.one("person");
            desk::assign(db, keyring, &staff, &id, Some(person.as_str()).filter(|p| !p.is_empty())).await
        }
        CaseAction::Take => desk::take(db, keyring, &staff, &id).await,
        CaseAction::HandBack => desk::hand_back(db, keyring, &staff, &id).await,
        CaseAction::Deadline => desk::add_deadline(db, keyring, &staff, &id, &posted.one("kind"), &posted.one("due_on")).await,
        CaseAction::DeadlineDone => desk::complete_deadline(db, keyring, &staff, &id, &posted.one("deadline")).await,
        CaseAction::Link => desk::link(db, keyring, &staff, &id, &posted.one("other")).await,
        CaseAction::NotDuplicate => desk::not_duplicate(db, keyring, &staff, &id, &posted.one("other")).await,
    };
    let action = action.as_str();
    match result {
        Ok(()) if action == CaseAction::HandBack.as_str() => see_other("/desk"),
        Ok(()) => see_other(&format!("{page}?saved={action}")),
        Err(DeskError::Invalid(field, code)) => {
            let values = posted.0.clone();
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form_state(action, values, vec![(field.to_owned(), code.to_owned())], None)).await
        }
        Err(DeskError::NotAllowed) => {
            refuse(&state, parts, &page, StatusCode::FORBIDDEN, form_state(action, posted.0.clone(), vec![], Some(NoticeCode::NotAllowed))).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// The reply form's "put in" button (a canned reply): the case page again, its reply box
/// holding what was typed followed by the chosen canned reply's text, for the volunteer to
/// adapt before sending. Files chosen with it are staged under the form's token as a
/// refused reply's are, so that nothing picked is lost. Nothing is sent or stored besides.
pub(super) async fn canned_post(State(state): State<AppState>, Path(id): Path<String>, request: Request) -> Response {
    let staff = match session_at(&state, request.headers(), Stage::Full).await {
        Ok((session, _)) => session.staff,
        Err(response) => return response,
    };
    let may_upload = async |posted: &Posted| reply_destination(&state, &staff, &id, posted).await;
    let uploaded = match read_upload(&state, request, may_upload).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let file_error = uploaded.refused.map(|refusal| rule_code(refusal.rule()));
    let Uploaded { parts, posted, .. } = uploaded;
    let page = format!("/desk/cases/{id}");
    let reply = CaseAction::Reply.as_str();
    let mut values: Vec<(String, String)> = posted.0.iter().filter(|(k, _)| k != "action" && k != "body").cloned().collect();
    let typed = posted.one("body");
    match desk::canned_for_reply(&state.db, &staff, &id, &posted.one("canned")).await {
        Ok(text) => {
            let body = if typed.trim().is_empty() { text } else { format!("{}\n\n{text}", typed.trim_end()) };
            values.push(("body".to_owned(), body));
            let errors = file_error.map(|code| ("documents".to_owned(), code)).into_iter().collect();
            refuse(&state, parts, &page, StatusCode::OK, form_state(reply, values, errors, None)).await
        }
        Err(DeskError::Invalid(field, code)) => {
            values.push(("body".to_owned(), typed));
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form_state(reply, values, vec![(field.to_owned(), code)], None)).await
        }
        Err(DeskError::NotAllowed) => {
            refuse(&state, parts, &page, StatusCode::FORBIDDEN, form_state(reply, posted.0.clone(), vec![], Some(NoticeCode::NotAllowed))).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// The find box on every desk page: the case with the typed reference, when it is in the
/// caller's scope; else the queue page with the box saying so next to it (404, as for a
/// reference that does not exist), or that this is not a reference's shape (422). A post,
/// so that references stay out of addresses and browser history.
pub(super) async fn find_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let typed = posted.one("reference");
    let (status, code) = match CaseRef::parse(&typed) {
        None => (StatusCode::UNPROCESSABLE_ENTITY, RuleCode::ReferenceShape),
        Some(reference) => match desk::find(&state.db, &state.keyring, &staff, &reference).await {
            Ok(Some(case_id)) => return see_other(&format!("/desk/cases/{case_id}")),
            Ok(None) => (StatusCode::NOT_FOUND, RuleCode::UnknownReference),
            Err(e) => return internal(e),
        },
    };
    let form = form_state(FIND_FORM, vec![("reference".to_owned(), typed)], vec![("reference".to_owned(), code)], None);
    refuse(&state, parts, "/desk", status, form).await
}

/// The find box's form name (its refusals come back under it).
const FIND_FORM: &str = "find";

/// Posts to the audit page: `check` verifies the whole chain now (leads and admins).
pub(super) async fn audit_post(State(state): State<AppState>, request: Request) -> Response {
    let (_, posted, staff) = match signed_in(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    if !staff.is_lead_or_admin() || AuditPageAction::parse(&posted.one("action")) != Some(AuditPageAction::Check) {
        return AppError::NotFound.into_response();
    }
    let result = async {
        let check = state.chain.check_now(&state.db, &state.keyring).await?;
        let mut tx = state.db.begin().await?;
        let outcome = if check.result.is_ok() { Outcome::Ok } else { Outcome::Failed };
        audit::append(&mut tx, &state.keyring, &AuditEvent::new(&staff.actor(), AuditAction::AuditCheck, None, outcome)).await?;
        tx.commit().await?;
        Ok::<_, DbError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/desk/audit?saved=check"),
        Err(e) => internal(e),
    }
}

/// The dashboard's figures as CSV (aggregates only), for leads and admins; audited.
pub(super) async fn dashboard_csv_get(State(state): State<AppState>, Query(filter): Query<DashboardFilter>, headers: HeaderMap) -> Response {
    let staff = match session_at(&state, &headers, Stage::Full).await {
        Ok((session, _)) => session.staff,
        Err(response) => return response,
    };
    match dashboard::load::dashboard_csv(&state, &staff, filter).await {
        Ok((file_name, body)) => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\""))],
            body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_query_shaped_list_goes_back() {
        assert_eq!(super::list_query("status=new&opened=1"), "status=new&opened=1");
        assert_eq!(super::list_query("queue=a%20b"), "queue=a%20b");
        assert_eq!(super::list_query("x\r\nSet-Cookie: a=b"), "");
        assert_eq!(super::list_query("//evil.example/"), "");
        assert_eq!(super::list_query(&"a".repeat(513)), "");
    }
}
