//! Pure types shared by the server and the browser: identifiers and the vocabulary of a case.
//! Nothing here touches storage or the network, so all of it compiles to WASM.

pub mod case;
pub mod ids;
pub mod receipt;
pub mod role;

pub use case::{Category, Priority, Status};
pub use ids::{CaseId, CaseRef};
pub use receipt::ReceiptCode;
pub use role::Role;
