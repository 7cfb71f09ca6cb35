//! What the health pages receive and send: data made for the client, nothing internal.

use serde::{Deserialize, Serialize};

/// What a monitor may learn: that the service is up. Nothing about its contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthDto {
    pub ok: bool,
}
