//! When the desk opened a case, as its requester may see it: from the audit log's case views
//! by staff, the role and embassy each person holds now — never who they are.

use crate::domain::{AuditAction, Role};
use crate::server::{
    audit::Outcome,
    db::{Conn, DbError},
};

/// How many openings the requester's page lists.
pub const SHOWN: usize = 20;
/// How many of the latest views are read to find them (repeated views of one minute are one).
const READ: i64 = 200;

/// Where the person who opened a case works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Desk {
    /// The People's Embassy in this host country (its ISO code).
    Embassy(String),
    /// The desk for countries without an embassy.
    International,
    /// No embassy: an administrator of the whole desk.
    Everywhere,
}

/// One opening of a case by the desk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    pub at: i64,
    pub role: Role,
    pub desk: Desk,
}

#[derive(sqlx::FromRow)]
struct OpeningRow {
    at: i64,
    role: String,
    country: Option<String>,
    is_default: Option<i64>,
}

/// The latest openings of `case_id`, newest first, at most [`SHOWN`]: successful case views
/// by staff, one per minute, role and desk.
pub async fn openings(conn: &mut Conn, case_id: &str) -> Result<Vec<Opening>, DbError> {
    let rows: Vec<OpeningRow> = sqlx::query_as(&format!(
        "SELECT a.at, p.role, e.country, e.is_default FROM audit_log a \
         JOIN people p ON p.id = substr(a.actor, 8) AND a.actor LIKE 'person:%' LEFT JOIN embassies e ON e.id = p.embassy_id \
         WHERE a.object_id = $1 AND a.action = $2 AND a.outcome = $3 ORDER BY a.seq DESC LIMIT {READ}"
    ))
    .bind(case_id)
    .bind(AuditAction::CaseView.as_str())
    .bind(Outcome::Ok.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut shown: Vec<Opening> = Vec::new();
    for row in rows {
        let Some(role) = Role::parse(&row.role) else { continue };
        let desk = match (row.country, row.is_default) {
            (_, Some(1)) => Desk::International,
            (Some(country), _) => Desk::Embassy(country),
            (None, _) => Desk::Everywhere,
        };
        let opening = Opening { at: row.at, role, desk };
        let repeated = shown.last().is_some_and(|o| o.at / 60 == opening.at / 60 && o.role == opening.role && o.desk == opening.desk);
        if !repeated {
            shown.push(opening);
        }
        if shown.len() == SHOWN {
            break;
        }
    }
    Ok(shown)
}
