//! Opening a case: everything the requester wrote is sealed with a fresh data key before it
//! reaches SQL, and the case, its key, its fields and the audit row are written in one
//! transaction. Intake and `seed` both go through here.

use crate::domain::AuditAction;
pub mod look_ups;
pub mod receipts;

use crate::domain::{CaseId, CaseRef, Category, Priority, Status};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{CryptoError, DataKey, Keyring, Place, SERVER_HOLDER},
    db::{self, Db, DbError},
};
use rand::RngCore;
use zeroize::Zeroizing;

/// Names of the sealed values of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseField {
    /// Name or pseudonym the requester chose.
    RequesterName,
    /// How to reach them (channel and handle).
    Contact,
    /// City in the host country.
    City,
    /// Their own description of what happened and what they need.
    Narrative,
    /// Answers to the per-category questions, as JSON.
    Answers,
}

impl CaseField {
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseField::RequesterName => "requester_name",
            CaseField::Contact => "contact",
            CaseField::City => "city",
            CaseField::Narrative => "narrative",
            CaseField::Answers => "answers",
        }
    }
}

/// Where a sealed field lives: bound to its case and its name.
pub(crate) fn field_place<'a>(case_id: &'a str, name: &'a str) -> Place<'a> {
    Place { case: case_id, table: "case_fields", column: "sealed", row: name }
}

/// A case about to be opened, in clear, in memory only.
pub struct NewCase {
    pub embassy_id: String,
    pub queue_id: String,
    pub categories: Vec<Category>,
    pub priority: Priority,
    pub language: String,
    pub created_at: i64,
    pub first_response_due_at: Option<i64>,
    pub fields: Vec<(CaseField, Zeroizing<String>)>,
}

/// A case ready for storage: clear metadata, wrapped key, sealed fields.
pub struct SealedCase {
    pub id: CaseId,
    pub reference: CaseRef,
    pub embassy_id: String,
    pub queue_id: String,
    pub categories: Vec<Category>,
    pub status: Status,
    pub priority: Priority,
    pub language: String,
    pub created_at: i64,
    pub first_response_due_at: Option<i64>,
    /// Set only by the seed, which writes cases already part-way through their work.
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub holder: &'static str,
    pub wrapped_key: Vec<u8>,
    pub fields: Vec<(CaseField, Vec<u8>)>,
}

impl SealedCase {
    pub fn categories_column(&self) -> String {
        self.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Draws a new public reference (after a rare collision).
    pub fn redraw_reference(&mut self) {
        self.reference = new_reference();
    }
}

fn new_reference() -> CaseRef {
    let mut bytes = [0u8; crate::domain::ids::REF_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    CaseRef::from_random(&bytes)
}

/// Seals a new case under a fresh data key wrapped by the keyring. Pure computation.
pub fn seal(keyring: &Keyring, new: NewCase) -> SealedCase {
    seal_keeping_key(keyring, new).0
}

/// [`seal`], also handing back the data key (to seal what comes with the case: documents).
pub fn seal_keeping_key(keyring: &Keyring, new: NewCase) -> (SealedCase, DataKey) {
    let id = CaseId::parse(&uuid::Uuid::new_v4().to_string()).expect("uuid v4 is hyphenated lower-case");
    let data_key = DataKey::generate();
    let fields = new.fields.iter().map(|(name, value)| (*name, data_key.seal(&field_place(id.as_str(), name.as_str()), value.as_bytes()))).collect();
    let sealed = SealedCase {
        wrapped_key: keyring.wrap_case_key(id.as_str(), &data_key),
        reference: new_reference(),
        id,
        embassy_id: new.embassy_id,
        queue_id: new.queue_id,
        categories: new.categories,
        status: Status::New,
        priority: new.priority,
        language: new.language,
        created_at: new.created_at,
        first_response_due_at: new.first_response_due_at,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        holder: SERVER_HOLDER,
        fields,
    };
    (sealed, data_key)
}

/// Starts a write transaction holding `cases`, drawing new references after a collision
/// (about 1 in 2^50 per pair). The caller adds the rest of the change — receipt, audit
/// row — and commits.
pub async fn begin_with_cases(db: &Db, cases: &mut [SealedCase]) -> Result<db::Tx, DbError> {
    let mut attempt = 0;
    loop {
        let mut tx = db.begin().await?;
        match db::cases::insert_sealed(&mut tx, cases).await {
            Ok(()) => return Ok(tx),
            Err(DbError::Sqlx(sqlx::Error::Database(e))) if e.is_unique_violation() && attempt < 3 => {
                tx.rollback().await?;
                cases.iter_mut().for_each(SealedCase::redraw_reference);
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Why a case's contents could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No key rows: the case never existed or was shredded.
    #[error("case has no key (unknown or destroyed)")]
    Gone,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Ends the transaction of a read (a decryption) with its audit row: `ok`, `not_found` (no
/// key: unknown or destroyed) or `failed` (tampering); returns the read's result.
pub async fn audit_read<T>(
    mut tx: db::Tx,
    keyring: &Keyring,
    case_id: &CaseId,
    actor: &str,
    action: AuditAction,
    result: Result<T, ReadError>,
) -> Result<T, ReadError> {
    let outcome = match &result {
        Ok(_) => Outcome::Ok,
        Err(ReadError::Gone) => Outcome::NotFound,
        Err(ReadError::Crypto(_)) => Outcome::Failed,
        Err(ReadError::Db(_)) => return result,
    };
    audit::append(&mut tx, keyring, &AuditEvent::new(actor, action, Some(case_id.as_str()), outcome)).await?;
    tx.commit().await.map_err(DbError::from)?;
    result
}

/// A case's data key, unwrapped by the server keyring; `Gone` when the case has none.
pub async fn data_key(conn: &mut db::Conn, keyring: &Keyring, case_id: &CaseId) -> Result<DataKey, ReadError> {
    let wrapped = db::cases::wrapped_key(conn, case_id.as_str(), SERVER_HOLDER).await?.ok_or(ReadError::Gone)?;
    Ok(keyring.unwrap_case_key(case_id.as_str(), &wrapped)?)
}
