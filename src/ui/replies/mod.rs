//! The canned replies page: an embassy's standard texts and its automatic acknowledgement.

pub mod page;
