//! Cases as the product stores them, for tests that check storage itself: opened as intake
//! opens them (without the form), read back with the server keyring (audited, as every read
//! is), and listed as the queue page lists them.

use super::TestApp;
use embassy_desk::{
    domain::{AuditAction, CaseId, CaseRef},
    server::{
        audit::{self, AuditEvent, Outcome},
        cases::{
            self,
            receipts::{self, PreparedReceipt},
            NewCase, ReadError,
        },
        crypto::{CryptoError, Keyring, Place},
        db::{Db, DbError},
        desk::{self, Cursor, DeskError, ListFilter, ListedCase},
        staff::Staff,
    },
};
use std::collections::BTreeMap;
/// Opens a case as intake does (sealed under a fresh data key; the case, its key, its
/// fields, its receipt if any and the `case.open` audit row in one transaction), without
/// the form and its token.
pub async fn open_case(app: &TestApp, new: NewCase, receipt: Option<&PreparedReceipt>) -> (CaseId, CaseRef) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let mut sealed = cases::seal(keyring, new);
    let mut tx = cases::begin_with_cases(db, std::slice::from_mut(&mut sealed)).await.unwrap();
    if let Some(receipt) = receipt {
        receipts::store(&mut tx, &sealed.id, receipt).await.unwrap();
    }
    audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::CaseOpen, Some(sealed.id.as_str()), Outcome::Ok)).await.unwrap();
    tx.commit().await.unwrap();
    (sealed.id, sealed.reference)
}

/// Every sealed field of a case, by name, opened with the server keyring; the read is
/// audited (`case.view`) in the same transaction, as every read of the product is.
pub async fn read_fields(app: &TestApp, case_id: &CaseId) -> Result<BTreeMap<String, String>, ReadError> {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let mut tx = db.begin().await?;
    let result = async {
        let key = cases::data_key(&mut tx, keyring, case_id).await?;
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT name, sealed FROM case_fields WHERE case_id = $1")
            .bind(case_id.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(DbError::from)?;
        let mut fields = BTreeMap::new();
        for (name, sealed) in rows {
            let place = Place { case: case_id.as_str(), table: "case_fields", column: "sealed", row: &name };
            let plain = key.open(&place, &sealed)?;
            let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::Forged)?.to_owned();
            fields.insert(name, text);
        }
        Ok(fields)
    }
    .await;
    cases::audit_read(tx, keyring, case_id, "person:test", AuditAction::CaseView, result).await
}

/// One page of the case list as the queue page loads it, with the cursor of the next page.
pub async fn list_cases(db: &Db, keyring: &Keyring, staff: &Staff, filter: &ListFilter) -> Result<(Vec<ListedCase>, Option<Cursor>), DeskError> {
    let page = desk::queue_page(db, &mut *db.acquire().await?, keyring, staff, filter).await?;
    Ok((page.cases, page.next))
}
