//! The desk's page loaders behind the server functions of `api::desk` (the queue and case pages): each one finds the
//! caller's session, asks `desk` or `staff` within that scope, and turns the answer into
//! DTOs. Nothing else crosses to the client.

use crate::domain::CaseAction;
use crate::domain::{DeadlineKind, EventKind};
use crate::domain::{NoticeCode, QueueAction, RuleCode};
use crate::server::staff::load::me_with_embassy;
use crate::server::{
    db::now,
    desk::{self, Cursor, Happening, ListFilter},
    staff::request::staff_on,
    AppState,
};
use crate::{
    api::{
        desk::*,
        form::{posted_form, FormState},
        AppError,
    },
    domain::{Category, Priority, Role, Status},
};

fn list_filter(filter: &CaseFilter) -> Result<ListFilter, AppError> {
    let after = match filter.after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(Cursor::parse(a).ok_or_else(|| AppError::invalid("after", RuleCode::InvalidChoice))?),
        None => None,
    };
    let text = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    Ok(ListFilter {
        embassy: text(&filter.embassy),
        queue: text(&filter.queue),
        status: filter.status,
        priority: filter.priority,
        assignee: filter.assignee,
        person: text(&filter.person),
        overdue: filter.overdue,
        opened_within: filter.opened_within.filter(|h| crate::domain::OPENED_WITHIN_HOURS.contains(h)),
        after,
    })
}

pub async fn queue_page(state: &AppState, filter: CaseFilter) -> Result<QueuePageDto, AppError> {
    // One connection for the page: the session, the page's statements, its audit row.
    let conn = &mut *state.db.acquire().await?;
    let staff = staff_on(state, conn).await?;
    let list = list_filter(&filter)?;
    let page = desk::queue_page(&state.db, conn, &state.keyring, &staff, &list).await?;
    let at = now();
    let queues = page
        .queues
        .into_iter()
        .filter(|q| list.embassy.as_ref().is_none_or(|e| *e == q.embassy_id))
        .map(|q| {
            let open = q.counts.iter().map(|(_, _, n)| n).sum();
            let unassigned = q.counts.iter().filter(|(_, assigned, _)| !assigned).map(|(_, _, n)| n).sum();
            let by_status =
                Status::ALL.into_iter().filter(|s| s.is_open()).map(|s| (s, q.counts.iter().filter(|(st, _, _)| *st == s).map(|(_, _, n)| n).sum())).collect();
            QueueDto { id: q.id, embassy: q.embassy, name: q.name, category: q.category, open, unassigned, by_status }
        })
        .collect();
    let today = crate::domain::Date::from_unix(at).days_since_epoch();
    let cases = page
        .cases
        .into_iter()
        .map(|l| CaseRowDto {
            overdue: l.meta.overdue(at),
            id: l.meta.id,
            reference: l.meta.reference,
            categories: l.meta.categories,
            priority: l.meta.priority,
            status: l.meta.status,
            created_at: l.meta.created_at,
            age_days: today - crate::domain::Date::from_unix(l.meta.created_at).days_since_epoch(),
            due_at: l.meta.due_at,
            assignee: l.assignee,
            requester_name: l.requester_name.to_string(),
        })
        .collect();
    let deadlines_soon = page.deadlines.into_iter().filter_map(deadline_dto).collect();
    let nothing_to_take = posted_form().is_some_and(|f| f.notice == Some(NoticeCode::NothingToTake));
    let spam_form = posted_form().filter(|f| f.form == QueueAction::Spam.as_str());
    let people = page.holders.into_iter().map(|(id, login)| PersonOption { id, login }).collect();
    let embassies = page.embassies.into_iter().map(|(id, name)| crate::api::dashboard::ChoiceDto { id, name }).collect();
    Ok(QueuePageDto {
        embassies,
        people,
        me: me_with_embassy(&staff),
        queues,
        filter,
        cases,
        next: page.next.map(|c| c.encode()),
        deadlines_soon,
        nothing_to_take,
        can_mark_spam: staff.is_lead_or_admin(),
        spam_form,
    })
}

fn timeline_kind(h: Happening, queue_names: &[(String, String)], login: &dyn Fn(&str) -> String, linked: &[LinkedDto]) -> Option<TimelineKind> {
    Some(match h {
        Happening::Note { body } => TimelineKind::Note { body: body.to_string() },
        Happening::Message { from_requester, information, automatic, body } => {
            TimelineKind::Message { from_requester, information, automatic, body: body.to_string() }
        }
        Happening::Event { kind, old, new } => {
            let old = old.unwrap_or_default();
            let new = new.unwrap_or_default();
            let queue = |id: &str| queue_names.iter().find(|(q, _)| q == id).map_or_else(|| id.to_owned(), |(_, n)| n.clone());
            match EventKind::parse(&kind)? {
                EventKind::Status => TimelineKind::Status { from: Status::parse(&old)?, to: Status::parse(&new)? },
                EventKind::Priority => TimelineKind::Priority { from: Priority::parse(&old)?, to: Priority::parse(&new)? },
                EventKind::Queue => TimelineKind::Queue { from: queue(&old), to: queue(&new) },
                EventKind::Categories => TimelineKind::Categories { to: new.split(',').filter_map(Category::parse).collect() },
                EventKind::Assignee => TimelineKind::Assigned { to: (!new.is_empty()).then(|| login(&new)) },
                EventKind::Deadline => TimelineKind::Deadline { kind: DeadlineKind::parse(&old)?, due_on: new },
                EventKind::DeadlineDone => TimelineKind::DeadlineDone { kind: DeadlineKind::parse(&old)?, due_on: new },
                EventKind::Spam => TimelineKind::Spam { from: Status::parse(&old)? },
                EventKind::Link => {
                    let other = linked.iter().find(|l| l.id == new);
                    TimelineKind::Linked { reference: other.map(|l| l.reference.clone()), id: other.map(|l| l.id.clone()) }
                }
            }
        }
    })
}

pub async fn case_page(state: &AppState, id: &str, form: Option<FormState>) -> Result<CasePageDto, AppError> {
    // A refused reply comes back with the files it already delivered; a fresh form has a new token.
    use crate::server::documents::load as documents;
    let posted_token = form.as_ref().filter(|f| f.form == CaseAction::Reply.as_str()).map(|f| f.value("upload")).filter(|t| !t.is_empty());
    let (reply_upload_token, reply_upload) = match posted_token {
        Some(token) => (token.clone(), documents::upload(state, &token).await?),
        None => (crate::server::crypto::random_token(), documents::empty_upload(&state.config.documents)),
    };
    let conn = &mut *state.db.acquire().await?;
    let staff = staff_on(state, conn).await?;
    let view = desk::view_case(&state.db, conn, &state.keyring, &staff, id).await?;
    let at = now();
    let logins = view.logins.clone();
    let login = |id: &str| logins.get(id).cloned().unwrap_or_else(|| "—".into());
    let meta = &view.meta;
    // Possible duplicates and linked cases, those the reader may open.
    use crate::domain::look_ups::LookUpKind;
    use crate::server::cases::look_ups;
    let linked_ids = look_ups::linked(conn, &meta.id).await?;
    let mut linked = Vec::new();
    for id in &linked_ids {
        if let Some(other) = desk::case_in_scope(conn, &staff, id).await? {
            linked.push(LinkedDto { id: other.id, reference: other.reference });
        }
    }
    let different = look_ups::not_duplicates(conn, &meta.id).await?;
    let mut duplicates = Vec::new();
    for (id, kinds) in look_ups::matching(conn, &meta.id).await?.into_iter().filter(|(id, _)| !different.contains(id)) {
        if let Some(other) = desk::case_in_scope(conn, &staff, &id).await? {
            duplicates.push(DuplicateDto {
                linked: linked_ids.contains(&other.id),
                id: other.id,
                reference: other.reference,
                status: other.status,
                created_at: other.created_at,
                contact: kinds.contains(&LookUpKind::Contact),
                document: kinds.contains(&LookUpKind::DocumentNumber),
            });
        }
    }
    let mut timeline = vec![TimelineEntry { at: meta.created_at, by: None, kind: TimelineKind::Opened }];
    for (when, person, happening) in view.timeline {
        if let Some(kind) = timeline_kind(happening, &view.queues, &login, &linked) {
            timeline.push(TimelineEntry { at: when, by: person.as_deref().map(login), kind });
        }
    }
    let assigned_to_me = meta.assignee_id.as_deref() == Some(staff.id.as_str());
    let may_work = desk::may_work(&staff, meta) && !view.deleted;
    let canned = if may_work {
        crate::server::replies::offered(conn, &meta.embassy_id, &meta.language)
            .await?
            .into_iter()
            .map(|(id, title)| crate::api::replies::CannedOption { id, title })
            .collect()
    } else {
        Vec::new()
    };
    let access = view.access.map(|rows| {
        rows.into_iter()
            .map(|(at, actor, action, outcome)| {
                let actor = actor.strip_prefix("person:").map(&login).unwrap_or(actor);
                AccessDto { at, actor, action, outcome }
            })
            .collect()
    });
    // The case's times are in its embassy's zone, whoever reads it.
    let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM embassies WHERE id = $1").bind(&meta.embassy_id).fetch_optional(&mut *conn).await?;
    let mut me = me_with_embassy(&staff);
    me.zone = zone.unwrap_or(me.zone);
    Ok(CasePageDto {
        me,
        duplicates,
        linked,
        may_link: staff.is_lead_or_admin() && !view.deleted,
        id: meta.id.clone(),
        reference: meta.reference.clone(),
        status: meta.status,
        priority: meta.priority,
        categories: meta.categories.clone(),
        queue_id: meta.queue_id.clone(),
        queue: view.queue_name.clone(),
        language: meta.language.clone(),
        created_at: meta.created_at,
        due_at: meta.due_at,
        overdue: meta.overdue(at),
        first_response_at: meta.first_response_at,
        assignee: meta.assignee_id.as_ref().map(|id| PersonOption { id: id.clone(), login: login(id) }),
        assigned_to_me,
        answers: view.fields.iter().map(|(k, v)| AnswerDto { key: k.clone(), value: v.to_string() }).collect(),
        deleted: view.deleted,
        timeline,
        deadlines: view.deadlines.into_iter().filter_map(deadline_dto).collect(),
        next_statuses: if may_work { Status::ALL.into_iter().filter(|s| meta.status.can_become(*s)).collect() } else { Vec::new() },
        assignable: view.assignable.into_iter().map(|(id, login)| PersonOption { id, login }).collect(),
        queues: view.queues.into_iter().map(|(id, name)| QueueOption { id, name }).collect(),
        can_assign: staff.is_lead_or_admin() && !view.deleted,
        can_take: staff.role != Role::Admin && meta.assignee_id.is_none() && meta.status.is_open() && !view.deleted,
        can_hand_back: assigned_to_me && !view.deleted,
        access,
        form,
        documents: view.documents.iter().map(|d| documents::listed_dto(d, &format!("/desk/cases/{}/documents", meta.id), true)).collect(),
        reply_upload_token,
        reply_upload,
        canned,
    })
}

/// A deadline as the pages show it; a row of a kind this build does not know is left out.
fn deadline_dto(d: desk::DeadlineRow) -> Option<DeadlineDto> {
    let kind = DeadlineKind::parse(&d.kind)?;
    Some(DeadlineDto { id: d.id, case_id: d.case_id, reference: d.reference, kind, due_on: d.due_on, done: d.done_at.is_some() })
}
