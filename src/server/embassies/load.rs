//! The embassies page's loader.

use crate::api::{
    embassies::{EmbassiesPageDto, EmbassyDto, EmbassyQueueDto},
    form::FormState,
    AppError,
};
use crate::domain::{countries, Role};
use crate::server::{db::embassies::GENERAL, staff::load::me_with_embassy, staff::request::current_staff, AppState};
use std::collections::{BTreeSet, HashMap};

/// An embassy as stored.
#[derive(sqlx::FromRow)]
struct EmbassyRow {
    id: String,
    code: String,
    country: String,
    is_default: i64,
    name_be: String,
    name_ru: String,
    name: String,
    time_zone: String,
}

/// An active queue as stored, with how many cases and people it has.
#[derive(sqlx::FromRow)]
struct QueueRow {
    id: String,
    embassy_id: String,
    slug: String,
    name: String,
    category: Option<String>,
    cases: i64,
    members: i64,
}

/// Admins: every embassy and the countries free to route; leads: their own embassy;
/// anyone else `NotFound`.
pub async fn embassies_page(state: &AppState, form: Option<FormState>) -> Result<EmbassiesPageDto, AppError> {
    let staff = current_staff(state).await?;
    let own = match staff.role {
        Role::Admin => None,
        Role::Lead => Some(staff.embassy_id.clone().ok_or(AppError::NotFound)?),
        Role::Volunteer => return Err(AppError::NotFound),
    };
    let conn = &mut *state.db.acquire().await?;
    let within = own.clone().unwrap_or_default();
    let embassies: Vec<EmbassyRow> = sqlx::query_as(
        "SELECT id, code, country, is_default, name_be, name_ru, name, time_zone FROM embassies WHERE $1 = '' OR id = $1 ORDER BY is_default DESC, code",
    )
    .bind(&within)
    .fetch_all(&mut *conn)
    .await?;
    let routes: Vec<(String, String)> = sqlx::query_as("SELECT country, embassy_id FROM embassy_countries WHERE $1 = '' OR embassy_id = $1 ORDER BY country")
        .bind(&within)
        .fetch_all(&mut *conn)
        .await?;
    let queues: Vec<QueueRow> = sqlx::query_as(
        "SELECT q.id, q.embassy_id, q.slug, q.name, q.category, \
         CAST(COALESCE((SELECT SUM(n.n) FROM queue_counts n WHERE n.queue_id = q.id), 0) AS BIGINT) AS cases, \
         (SELECT COUNT(*) FROM queue_members m JOIN people p ON p.id = m.person_id AND p.active = 1 WHERE m.queue_id = q.id) AS members \
         FROM queues q WHERE q.retired_at IS NULL AND ($1 = '' OR q.embassy_id = $1) ORDER BY q.slug",
    )
    .bind(&within)
    .fetch_all(&mut *conn)
    .await?;
    let mut queues_of: HashMap<String, Vec<EmbassyQueueDto>> = HashMap::new();
    for q in queues {
        let general = q.slug == GENERAL;
        let dto = EmbassyQueueDto { id: q.id, name: q.name, category: q.category, general, cases: q.cases, members: q.members };
        let list = queues_of.entry(q.embassy_id).or_default();
        if general {
            list.insert(0, dto);
        } else {
            list.push(dto);
        }
    }
    let routed: BTreeSet<&str> = routes.iter().map(|(c, _)| c.as_str()).collect();
    let free_countries =
        if own.is_none() { countries::codes().filter(|c| countries::is_host(c) && !routed.contains(c)).map(str::to_owned).collect() } else { Vec::new() };
    let embassies = embassies
        .into_iter()
        .map(|e| EmbassyDto {
            countries: routes.iter().filter(|(_, id)| *id == e.id).map(|(c, _)| c.clone()).collect(),
            queues: queues_of.remove(&e.id).unwrap_or_default(),
            id: e.id,
            code: e.code,
            country: e.country,
            is_default: e.is_default == 1,
            name_be: e.name_be,
            name_ru: e.name_ru,
            name_en: e.name,
            time_zone: e.time_zone,
        })
        .collect();
    Ok(EmbassiesPageDto { me: me_with_embassy(&staff), embassies, free_countries, form })
}
