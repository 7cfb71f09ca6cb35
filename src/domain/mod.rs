//! Pure types shared by the server and the browser: identifiers, the vocabulary of a case
//! and the intake rules. Nothing here touches storage or the network, so all of it
//! compiles to WASM.

pub mod case;
pub mod countries;
pub mod date;
pub mod ids;
pub mod intake;
pub mod look_ups;
pub mod passkey;
pub mod query;
pub mod receipt;
pub mod retention;
pub mod role;
pub mod service_hours;
pub mod signals;
pub mod vocabulary;

pub use case::{Category, Priority, Status};
pub use date::Date;
pub use ids::{CaseId, CaseRef};
pub use query::percent_encode;
pub use receipt::ReceiptCode;
pub use retention::{parse_retention_days, RETENTION_DAYS};
pub use role::Role;
pub use signals::{opened_within, parse_insider_threshold, INSIDER_THRESHOLD, OPENED_WITHIN_HOURS};
pub use vocabulary::{
    AuditAction, AuditPageAction, CaseAction, DeadlineKind, EmbassiesAction, EventKind, NoticeCode, NotifyAction, NotifyKind, NotifyMode, PastOutcome,
    QueueAction, RepliesAction, RuleCode, SecurityAction, TeamAction,
};
