//! The leads' workload dashboard.

pub mod charts;
pub mod page;
pub mod signals;
