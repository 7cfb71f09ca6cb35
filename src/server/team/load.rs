//! The team page's loader: the people in the caller's reach with their state, the person
//! being changed, the embassies and queues to choose from.

use crate::domain::service_hours::Week;
use crate::server::staff::load::me_with_embassy;
use crate::server::{staff::request::current_staff, staff::resets::may_reset, staff::Staff, team::roles_for, AppState};
use crate::{
    api::{desk::*, form::FormState, team::*, AppError},
    domain::Role,
};
use sqlx::Row;

/// The links a post just made, shown once on the page it renders.
#[derive(Default)]
pub struct NewLinks {
    pub invitation: Option<String>,
    pub reset: Option<NewResetLink>,
}

pub async fn team_page(state: &AppState, links: NewLinks, person: Option<String>, form: Option<FormState>) -> Result<TeamPageDto, AppError> {
    let staff = current_staff(state).await?;
    if !staff.is_lead_or_admin() {
        return Err(AppError::NotFound);
    }
    let db = state.db.pool();
    let dberr = crate::server::db::DbError::from;
    let (people_sql, embassy_sql) = if staff.role == Role::Admin {
        (
            "SELECT p.id, p.login, p.role, e.name, CASE WHEN p.totp_last_step IS NOT NULL OR EXISTS (SELECT 1 FROM passkeys k WHERE k.person_id = p.id) THEN 1 ELSE 0 END, p.active, p.last_login_at, p.embassy_id FROM people p \
             LEFT JOIN embassies e ON e.id = p.embassy_id ORDER BY p.active DESC, p.login",
            "SELECT id, code, name, sla_urgent_hours, sla_high_hours, sla_normal_hours, sla_low_hours, overload_threshold, retention_days, insider_threshold, time_zone, business_hours, sla_business FROM embassies ORDER BY is_default, code",
        )
    } else {
        (
            "SELECT p.id, p.login, p.role, e.name, CASE WHEN p.totp_last_step IS NOT NULL OR EXISTS (SELECT 1 FROM passkeys k WHERE k.person_id = p.id) THEN 1 ELSE 0 END, p.active, p.last_login_at, p.embassy_id FROM people p \
             LEFT JOIN embassies e ON e.id = p.embassy_id WHERE p.embassy_id = $1 ORDER BY p.active DESC, p.login",
            "SELECT id, code, name, sla_urgent_hours, sla_high_hours, sla_normal_hours, sla_low_hours, overload_threshold, retention_days, insider_threshold, time_zone, business_hours, sla_business FROM embassies WHERE id = $1",
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
            changeable: active && !roles_for(&staff, role, r.try_get::<Option<String>, _>(7).map_err(dberr)?.as_deref()).is_empty(),
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
                overload_threshold: r.try_get(7)?,
                retention_days: r.try_get(8)?,
                insider_threshold: r.try_get(9)?,
                time_zone: r.try_get(10)?,
                hours: {
                    let week = Week::parse(&r.try_get::<String, _>(11)?).unwrap_or_default();
                    (0..7).map(|day| week.day_text(day)).collect()
                },
                business: r.try_get::<i64, _>(12)? == 1,
                holidays: String::new(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(dberr)?;
    let mut queues = Vec::new();
    let mut embassies = embassies;
    for e in &mut embassies {
        let holidays: Vec<(String, String)> =
            sqlx::query_as("SELECT day, name FROM embassy_holidays WHERE embassy_id = $1 ORDER BY day").bind(&e.id).fetch_all(db).await.map_err(dberr)?;
        e.holidays = holidays.iter().map(|(day, name)| format!("{day} {name}").trim_end().to_owned()).collect::<Vec<_>>().join("\n");
        let rows = sqlx::query("SELECT id, name FROM queues WHERE embassy_id = $1 AND retired_at IS NULL ORDER BY slug")
            .bind(&e.id)
            .fetch_all(db)
            .await
            .map_err(dberr)?;
        for r in rows {
            queues.push((e.id.clone(), QueueOption { id: r.try_get(0).map_err(dberr)?, name: r.try_get(1).map_err(dberr)? }));
        }
    }
    let roles = if staff.role == Role::Admin { vec![Role::Volunteer, Role::Lead, Role::Admin] } else { vec![Role::Volunteer] };
    let editing = match person.filter(|p| !p.is_empty()) {
        Some(person) => Some(person_edit(state, &staff, &person).await?),
        None => None,
    };
    let default_retention_days = i64::from(state.config.retention_days);
    Ok(TeamPageDto {
        me: me_with_embassy(&staff),
        people,
        roles,
        embassies,
        default_retention_days,
        queues,
        new_link: links.invitation,
        new_reset: links.reset,
        editing,
        form,
    })
}

/// The person `person_id` as the change form shows them; `NotFound` when not the caller's.
async fn person_edit(state: &AppState, staff: &Staff, person_id: &str) -> Result<PersonEditDto, AppError> {
    let dberr = crate::server::db::DbError::from;
    let mut conn = state.db.pool().acquire().await.map_err(dberr)?;
    let person = crate::server::team::changeable(&mut conn, staff, person_id).await?.ok_or(AppError::NotFound)?;
    // Their embassy's queues; an admin's: every embassy's, to join one with another role.
    let rows = sqlx::query("SELECT q.embassy_id, q.id, q.name FROM queues q JOIN embassies e ON e.id = q.embassy_id WHERE q.retired_at IS NULL AND ($1 = '' OR q.embassy_id = $1) ORDER BY e.is_default, e.code, q.slug")
        .bind(person.embassy_id.as_deref().unwrap_or_default())
        .fetch_all(&mut *conn)
        .await
        .map_err(dberr)?;
    let embassies = match person.embassy_id {
        Some(_) => Vec::new(),
        None => sqlx::query("SELECT id, name FROM embassies ORDER BY is_default, code")
            .fetch_all(&mut *conn)
            .await
            .map_err(dberr)?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(dberr)?,
    };
    drop(conn);
    let queues = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, QueueOption { id: r.try_get(1)?, name: r.try_get(2)? })))
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(dberr)?;
    let resettable = may_reset(staff, &person.id, Some(person.role), person.embassy_id.as_deref());
    Ok(PersonEditDto { id: person.id, login: person.login, role: person.role, roles: person.roles, embassies, queues, member_of: person.queue_ids, resettable })
}
