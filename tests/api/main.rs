//! The HTTP app spawned on port 0 against a fresh SQLite file and a fresh PostgreSQL
//! database. One test binary; `helpers` holds `spawn_app` and the `TestApp`
//! whose methods are the flows the tests go through.

mod accounts;
mod audit_checkpoints;
mod audit_view;
mod authorisation;
mod backup;
mod canary;
mod cli;
mod csrf;
mod dashboard;
mod dashboard_signals;
mod desk;
mod documents;
mod duplicates;
mod embassies;
mod follow_up;
mod headers;
mod helpers;
mod indexes;
mod intake;
mod keyed_look_ups;
mod keys;
mod limits;
mod notify;
mod receipts;
mod retention;
mod retention_migration;
mod service_hours;
mod startup;
mod storage;
mod team;
