//! The HTTP app spawned on port 0 against a fresh SQLite file and a fresh PostgreSQL
//! database. One test binary; `helpers` holds `spawn_app`.

mod audit_view;
mod authorisation;
mod canary;
mod cli;
mod csrf;
mod dashboard;
mod desk;
mod desk_support;
mod follow_up;
mod follow_up_support;
mod headers;
mod helpers;
mod indexes;
mod intake;
mod receipts;
mod requester;
mod startup;
mod storage;
mod team;
