//! The floor of the desk benchmark (`.ci/bench-desk`), not part of the product: a bare axum
//! handler that runs what a queue page must run at the least, on the same database through
//! sqlx, and nothing else: the queue page's keyset SELECT of one page of an embassy's open
//! cases (the statement `desk::list_sql` builds for that embassy's lead) and the same audit
//! INSERT (the head moved and one row appended, in one transaction). No session, no
//! decryption, no page.
//!
//! Settings (environment): `EMBASSY_DESK_DATA_DIR` or `DATABASE_URL` as for the server,
//! `FLOOR_LISTEN` (default 127.0.0.1:3201), `FLOOR_EMBASSY` (an embassy's code, default pl).
//! Serves `GET /floor`.

use axum::{extract::State, routing::get, Router};
use embassy_desk::{
    domain::Role,
    server::{
        config::{Backend, Config},
        db::{arguments, Arg},
        db::{now, Db},
        desk::{self, ListFilter},
        staff::Staff,
    },
};
use sqlx::Row;

#[derive(Clone)]
struct Floor {
    db: Db,
    list: String,
    args: std::sync::Arc<Vec<Arg>>,
}

async fn page(State(floor): State<Floor>) -> Result<String, (axum::http::StatusCode, String)> {
    let failed = |e: sqlx::Error| (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let rows = sqlx::query_with(&floor.list, arguments(&floor.args)).fetch_all(floor.db.pool()).await.map_err(failed)?;
    let pool = floor.db.pool();
    let mut tx = match floor.db.backend() {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
    .map_err(failed)?;
    let seq: i64 = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq").fetch_one(&mut *tx).await.map_err(failed)?.get(0);
    sqlx::query("INSERT INTO audit_log (seq, at, actor, action, object_id, outcome, key_id, mac) VALUES ($1, $2, 'floor', 'case.list', 'floor', 'ok', 1, $3)")
        .bind(seq)
        .bind(now())
        .bind(&[0u8; 32][..])
        .execute(&mut *tx)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(format!("{} cases\n", rows.len()))
}

fn main() {
    let runtime = embassy_desk::server::runtime_builder().build().expect("a runtime");
    runtime.block_on(async {
        let config = Config::from_env().expect("the EMBASSY_DESK_* settings of the benchmark's server");
        let db = Db::connect(&config.database_url, config.backend).await.expect("the database");
        let code = std::env::var("FLOOR_EMBASSY").unwrap_or_else(|_| "pl".into());
        let embassy: String = sqlx::query_scalar("SELECT id FROM embassies WHERE code = $1").bind(&code).fetch_one(db.pool()).await.expect("the embassy");
        let lead = Staff {
            id: "floor".into(),
            login: "floor".into(),
            role: Role::Lead,
            embassy_id: Some(embassy),
            embassy_name: None,
            embassy_name_be: None,
            embassy_name_ru: None,
            embassy_zone: None,
            queue_ids: Vec::new(),
            has_totp: true,
            has_passkey: false,
        };
        let mut args = Vec::new();
        let list = desk::list_sql(&lead, &ListFilter::default(), now(), db.backend(), &mut args).expect("a lead's list");
        let app = Router::new().route("/floor", get(page)).with_state(Floor { db, list, args: std::sync::Arc::new(args) });
        let listen = std::env::var("FLOOR_LISTEN").unwrap_or_else(|_| "127.0.0.1:3201".into());
        let listener = tokio::net::TcpListener::bind(&listen).await.expect("the floor's address");
        axum::serve(listener, app).await.expect("serving");
    });
}
