//! Intake: a requester's form becomes a case. The form is checked with the rules in
//! `domain::intake`; the case is routed to the embassy of the host country (or the default
//! desk) and the queue of its first category; everything typed is sealed; and the case, its
//! key, fields, receipt, the spent form token, the documents sent with it and the audit
//! rows commit together.

use crate::domain::AuditAction;
pub mod form_token;

use crate::domain::{
    intake::{FieldError, IntakeForm, ValidIntake},
    CaseRef, Date, ReceiptCode,
};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    bound::Bound,
    cases::{self, CaseField, NewCase},
    crypto::Keyring,
    db::{self, now, Db, DbError},
    documents,
};
use zeroize::Zeroizing;

/// What became of a submission.
#[derive(Debug)]
pub enum Submission {
    /// The case is open; show the reference and code once, and what was removed from the
    /// documents that came with it.
    Opened { reference: CaseRef, code: ReceiptCode, documents: Vec<documents::Meta> },
    /// Some fields broke a rule; nothing was stored.
    Invalid(Vec<FieldError>),
    /// The form's token is missing, forged or expired; nothing was stored.
    StaleForm,
    /// This exact form was sent before (a reload or a replay); nothing new was stored.
    AlreadySent,
    /// More forms are being stored at this moment than the desk takes at once (a flood);
    /// nothing was stored and the person sends again in a minute.
    Busy,
}

/// Forms stored at once, forms waiting to be, and how long one waits: the bound on the one
/// expensive step of intake (sealing and the write), so that a flood of valid forms is
/// answered "busy" instead of piling up on the database.
pub fn store_bound() -> Bound {
    Bound::new(8, 64, std::time::Duration::from_secs(10))
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("no embassy can take the case (no default desk)")]
    NoDesk,
    #[error(transparent)]
    Documents(#[from] documents::DocumentError),
}

/// The files that came with a form: refusals to show next to the file field, and the
/// staged documents to attach (the form's token is their upload token).
#[derive(Default)]
pub struct Files<'a> {
    pub refused: &'a [FieldError],
    pub keep: &'a [String],
}

/// The sealed values of a valid form. Answers are JSON; the contact is `channel handle`.
fn sealed_fields(valid: &ValidIntake) -> Vec<(CaseField, Zeroizing<String>)> {
    let place = match &valid.other_country {
        Some(country) => format!("{}, {country}", valid.city),
        None => format!("{}, {}", valid.city, valid.country.as_deref().unwrap_or_default()),
    };
    let contact = match &valid.contact_handle {
        Some(handle) => format!("{} {handle}", valid.contact_channel),
        None => valid.contact_channel.clone(),
    };
    let answers = serde_json::to_string(&valid.answers).expect("answers serialise");
    vec![
        (CaseField::RequesterName, Zeroizing::new(valid.name.clone())),
        (CaseField::Contact, Zeroizing::new(contact)),
        (CaseField::City, Zeroizing::new(place)),
        (CaseField::Narrative, Zeroizing::new(valid.description.clone())),
        (CaseField::Answers, Zeroizing::new(answers)),
    ]
}

/// Checks, routes, seals and stores a submitted form.
///
/// What a single client can send costs it more than it costs the desk, and it counts
/// nowhere that another requester's form is counted: a forged or expired token is refused
/// by its MAC alone, a replayed one by one indexed read, and an invalid form by the rules;
/// none of them writes anything. Only a valid form on an unspent token reaches the store,
/// which is bounded by `bound` (busy when full, never a cap per minute that a flood can use
/// up for everyone).
pub async fn submit(db: &Db, keyring: &Keyring, bound: &Bound, form: &IntakeForm, raw_token: &str, files: &Files<'_>) -> Result<Submission, IntakeError> {
    let at = now();
    let Ok(token) = form_token::check(keyring, raw_token, at) else { return Ok(Submission::StaleForm) };
    let valid = match form.validate(Some(Date::from_unix(at))) {
        Ok(v) if files.refused.is_empty() => v,
        Ok(_) => return Ok(Submission::Invalid(files.refused.to_vec())),
        Err(mut errors) => {
            errors.extend_from_slice(files.refused);
            return Ok(Submission::Invalid(errors));
        }
    };
    // A read, not a write: whether this form was spent (`spend` below is the binding check).
    if form_token::is_spent(db, &token).await? {
        return Ok(Submission::AlreadySent);
    }
    let Some(_slot) = bound.enter().await else { return Ok(Submission::Busy) };
    let (code, receipt) = cases::receipts::prepare(keyring);
    let primary = valid.categories.first().copied();
    let (route, acknowledgement, due) = {
        let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
        let route = db::embassies::route(&mut conn, valid.country.as_deref(), primary).await?.ok_or(IntakeError::NoDesk)?;
        let acknowledgement = crate::server::replies::acknowledgement_for(&mut conn, &route.embassy_id, &valid.language).await?;
        let due = db::embassies::first_response_due(&mut conn, &route.embassy_id, valid.priority, at).await?;
        (route, acknowledgement, due)
    };
    let queue_id = route.queue_id.clone();
    let new = NewCase {
        embassy_id: route.embassy_id,
        queue_id: route.queue_id,
        categories: valid.categories.clone(),
        priority: valid.priority,
        language: valid.language.clone(),
        created_at: at,
        first_response_due_at: Some(due),
        fields: sealed_fields(&valid),
    };
    let (mut sealed, data_key) = cases::seal_keeping_key(keyring, new);
    let mut tx = cases::begin_with_cases(db, std::slice::from_mut(&mut sealed)).await?;
    if !form_token::spend(&mut tx, &token, at).await? {
        tx.rollback().await.map_err(DbError::from)?;
        return Ok(Submission::AlreadySent);
    }
    cases::receipts::store(&mut tx, &sealed.id, &receipt).await?;
    cases::look_ups::store(&mut tx, keyring, sealed.id.as_str(), &cases::look_ups::values_of(&valid)).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::CaseOpen, Some(sealed.id.as_str()), Outcome::Ok)).await?;
    crate::server::notify::new_case(&mut tx, &queue_id, at).await?;
    if let Some(body) = &acknowledgement {
        crate::server::follow_up::post_acknowledgement(&mut tx, keyring, &data_key, &sealed.id, body, at).await?;
    }
    let attached = documents::attach::attach(&mut tx, keyring, &data_key, &sealed.id, raw_token, Some(files.keep), None, "requester").await?;
    tx.commit().await.map_err(DbError::from)?;
    tracing::info!(case_id = %sealed.id, documents = attached.len(), "case opened by intake");
    Ok(Submission::Opened { reference: sealed.reference, code, documents: attached.into_iter().map(|d| d.meta).collect() })
}
