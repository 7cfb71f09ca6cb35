//! The desk's page loaders behind the server functions of `api::desk`: each one finds the
//! caller's session, asks `desk` or `staff` within that scope, and turns the answer into
//! DTOs. Nothing else crosses to the client.

use super::{
    db::now,
    desk::{self, Cursor, Happening, ListFilter},
    http::desk::{current_staff, pending_staff, staff_on},
    staff::{self, Staff},
    totp, AppState,
};
use crate::{
    api::{desk::*, AppError},
    domain::{Category, Priority, Role, Status},
};
use sqlx::Row;

/// Gives a page render the status of its error (401, 404, …), as the server function
/// answer already has it.
pub fn answered<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(e), Some(response)) = (&result, leptos::prelude::use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(axum::http::StatusCode::from_u16(e.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    result
}

/// The signed-in person with their embassy's name, for the desk's frame.
pub fn me_with_embassy(staff: &Staff) -> MeDto {
    MeDto { login: staff.login.clone(), role: staff.role, embassy: staff.embassy_name.clone() }
}

pub async fn second_factor_page(state: &AppState, form: Option<FormState>) -> Result<SecondFactorDto, AppError> {
    let staff = pending_staff(state).await?;
    let enrolment = staff::enrolment_secret(&state.db, &state.keyring, &staff).await?.map(|secret| {
        let uri = totp::otpauth_uri(&secret, "embassy-desk", &staff.login);
        EnrolmentDto { qr_svg: totp::qr_svg(&uri), secret_base32: secret.base32() }
    });
    Ok(SecondFactorDto { enrolment, form })
}

pub async fn invitation_page(state: &AppState, token: &str, form: Option<FormState>) -> Result<InvitationDto, AppError> {
    let invitation = staff::invitation(&state.db, token).await?.ok_or(AppError::NotFound)?;
    Ok(InvitationDto { role: invitation.role, embassy: invitation.embassy_name, expires_at: invitation.expires_at, form })
}

fn list_filter(filter: &CaseFilter) -> Result<ListFilter, AppError> {
    let after = match filter.after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(Cursor::parse(a).ok_or_else(|| AppError::invalid("after", "invalid_choice"))?),
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
    let deadlines_soon = page
        .deadlines
        .into_iter()
        .map(|d| DeadlineDto { id: d.id, case_id: d.case_id, reference: d.reference, kind: d.kind, due_on: d.due_on, done: d.done_at.is_some() })
        .collect();
    let nothing_to_take = use_posted().is_some_and(|f| f.notice.as_deref() == Some("nothing_to_take"));
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
    })
}

fn use_posted() -> Option<FormState> {
    leptos::prelude::use_context::<PostedForm>().map(|p| p.0)
}

fn timeline_kind(h: Happening, queue_names: &[(String, String)], login: &dyn Fn(&str) -> String) -> Option<TimelineKind> {
    Some(match h {
        Happening::Note { body } => TimelineKind::Note { body: body.to_string() },
        Happening::Message { from_requester, information, body } => TimelineKind::Message { from_requester, information, body: body.to_string() },
        Happening::Event { kind, old, new } => {
            let old = old.unwrap_or_default();
            let new = new.unwrap_or_default();
            let queue = |id: &str| queue_names.iter().find(|(q, _)| q == id).map_or_else(|| id.to_owned(), |(_, n)| n.clone());
            match kind.as_str() {
                "status" => TimelineKind::Status { from: Status::parse(&old)?, to: Status::parse(&new)? },
                "priority" => TimelineKind::Priority { from: Priority::parse(&old)?, to: Priority::parse(&new)? },
                "queue" => TimelineKind::Queue { from: queue(&old), to: queue(&new) },
                "categories" => TimelineKind::Categories { to: new.split(',').filter_map(Category::parse).collect() },
                "assignee" => TimelineKind::Assigned { to: (!new.is_empty()).then(|| login(&new)) },
                "deadline" => TimelineKind::Deadline { kind: old, due_on: new },
                "deadline_done" => TimelineKind::DeadlineDone { kind: old, due_on: new },
                _ => return None,
            }
        }
    })
}

pub async fn case_page(state: &AppState, id: &str, form: Option<FormState>) -> Result<CasePageDto, AppError> {
    let conn = &mut *state.db.acquire().await?;
    let staff = staff_on(state, conn).await?;
    let view = desk::view_case(&state.db, conn, &state.keyring, &staff, id).await?;
    let at = now();
    let logins = view.logins.clone();
    let login = |id: &str| logins.get(id).cloned().unwrap_or_else(|| "—".into());
    let meta = &view.meta;
    let mut timeline = vec![TimelineEntry { at: meta.created_at, by: None, kind: TimelineKind::Opened }];
    for (when, person, happening) in view.timeline {
        if let Some(kind) = timeline_kind(happening, &view.queues, &login) {
            timeline.push(TimelineEntry { at: when, by: person.as_deref().map(login), kind });
        }
    }
    let assigned_to_me = meta.assignee_id.as_deref() == Some(staff.id.as_str());
    let may_work = desk::may_work(&staff, meta) && !view.deleted;
    let access = view.access.map(|rows| {
        rows.into_iter()
            .map(|(at, actor, action, outcome)| {
                let actor = actor.strip_prefix("person:").map(&login).unwrap_or(actor);
                AccessDto { at, actor, action, outcome }
            })
            .collect()
    });
    Ok(CasePageDto {
        me: me_with_embassy(&staff),
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
        deadlines: view
            .deadlines
            .into_iter()
            .map(|d| DeadlineDto { id: d.id, case_id: d.case_id, reference: d.reference, kind: d.kind, due_on: d.due_on, done: d.done_at.is_some() })
            .collect(),
        next_statuses: if may_work { Status::ALL.into_iter().filter(|s| meta.status.can_become(*s)).collect() } else { Vec::new() },
        assignable: view.assignable.into_iter().map(|(id, login)| PersonOption { id, login }).collect(),
        queues: view.queues.into_iter().map(|(id, name)| QueueOption { id, name }).collect(),
        can_assign: staff.is_lead_or_admin() && !view.deleted,
        can_take: staff.role != Role::Admin && meta.assignee_id.is_none() && meta.status.is_open() && !view.deleted,
        can_hand_back: assigned_to_me && !view.deleted,
        access,
        form,
    })
}

pub async fn team_page(state: &AppState, link: Option<String>, person: Option<String>, form: Option<FormState>) -> Result<TeamPageDto, AppError> {
    let staff = current_staff(state).await?;
    if !staff.is_lead_or_admin() {
        return Err(AppError::NotFound);
    }
    let db = state.db.pool();
    let dberr = super::db::DbError::from;
    let (people_sql, embassy_sql) = if staff.role == Role::Admin {
        (
            "SELECT p.id, p.login, p.role, e.name, CASE WHEN p.totp_last_step IS NOT NULL THEN 1 ELSE 0 END, p.active, p.last_login_at FROM people p \
             LEFT JOIN embassies e ON e.id = p.embassy_id ORDER BY p.active DESC, p.login",
            "SELECT id, code, name, sla_urgent_hours, sla_high_hours, sla_normal_hours, sla_low_hours, volunteers_need_totp, overload_threshold FROM embassies ORDER BY is_default, code",
        )
    } else {
        (
            "SELECT p.id, p.login, p.role, e.name, CASE WHEN p.totp_last_step IS NOT NULL THEN 1 ELSE 0 END, p.active, p.last_login_at FROM people p \
             LEFT JOIN embassies e ON e.id = p.embassy_id WHERE p.embassy_id = $1 ORDER BY p.active DESC, p.login",
            "SELECT id, code, name, sla_urgent_hours, sla_high_hours, sla_normal_hours, sla_low_hours, volunteers_need_totp, overload_threshold FROM embassies WHERE id = $1",
        )
    };
    let embassy_arg = staff.embassy_id.clone().unwrap_or_default();
    let mut query = sqlx::query(people_sql);
    if staff.role != Role::Admin {
        query = query.bind(&embassy_arg);
    }
    let rows = query.fetch_all(db).await.map_err(dberr)?;
    let memberships =
        sqlx::query("SELECT m.person_id, q.name FROM queue_members m JOIN queues q ON q.id = m.queue_id ORDER BY q.slug").fetch_all(db).await.map_err(dberr)?;
    let mut people = Vec::new();
    for r in rows {
        let id: String = r.try_get(0).map_err(dberr)?;
        let queues = memberships.iter().filter(|m| m.try_get::<String, _>(0).is_ok_and(|p| p == id)).filter_map(|m| m.try_get::<String, _>(1).ok()).collect();
        let role = Role::parse(&r.try_get::<String, _>(2).map_err(dberr)?).unwrap_or(Role::Volunteer);
        let active = r.try_get::<i64, _>(5).map_err(dberr)? != 0;
        let embassy: Option<String> = r.try_get(3).map_err(dberr)?;
        people.push(PersonDto {
            login: r.try_get(1).map_err(dberr)?,
            changeable: active
                && embassy.is_some()
                && match staff.role {
                    Role::Admin => role != Role::Admin && id != staff.id,
                    _ => role == Role::Volunteer,
                },
            role,
            embassy,
            totp: r.try_get::<i64, _>(4).map_err(dberr)? != 0,
            active,
            last_login_at: r.try_get(6).map_err(dberr)?,
            queues,
            id,
        });
    }
    let mut query = sqlx::query(embassy_sql);
    if staff.role != Role::Admin {
        query = query.bind(&embassy_arg);
    }
    let embassies: Vec<EmbassyOption> = query
        .fetch_all(db)
        .await
        .map_err(dberr)?
        .iter()
        .map(|r| {
            Ok(EmbassyOption {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                name: r.try_get(2)?,
                sla_hours: [r.try_get(3)?, r.try_get(4)?, r.try_get(5)?, r.try_get(6)?],
                volunteers_need_totp: r.try_get::<i64, _>(7)? != 0,
                overload_threshold: r.try_get(8)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(dberr)?;
    let mut queues = Vec::new();
    for e in &embassies {
        let rows = sqlx::query("SELECT id, name FROM queues WHERE embassy_id = $1 ORDER BY slug").bind(&e.id).fetch_all(db).await.map_err(dberr)?;
        for r in rows {
            queues.push((e.id.clone(), QueueOption { id: r.try_get(0).map_err(dberr)?, name: r.try_get(1).map_err(dberr)? }));
        }
    }
    let roles = if staff.role == Role::Admin { vec![Role::Volunteer, Role::Lead, Role::Admin] } else { vec![Role::Volunteer] };
    let editing = match person.filter(|p| !p.is_empty()) {
        Some(person) => Some(person_edit(state, &staff, &person).await?),
        None => None,
    };
    Ok(TeamPageDto { me: me_with_embassy(&staff), people, roles, embassies, queues, new_link: link, editing, form })
}

/// The person `person_id` as the change form shows them; `NotFound` when not the caller's.
async fn person_edit(state: &AppState, staff: &Staff, person_id: &str) -> Result<PersonEditDto, AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(super::db::DbError::from)?;
    let person = super::team::changeable(&mut conn, staff, person_id).await?.ok_or(AppError::NotFound)?;
    let rows = sqlx::query("SELECT id, name FROM queues WHERE embassy_id = $1 ORDER BY slug")
        .bind(&person.embassy_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(super::db::DbError::from)?;
    drop(conn);
    let queues = rows
        .iter()
        .map(|r| Ok(QueueOption { id: r.try_get(0)?, name: r.try_get(1)? }))
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(super::db::DbError::from)?;
    Ok(PersonEditDto { id: person.id, login: person.login, role: person.role, roles: person.roles, queues, member_of: person.queue_ids })
}
