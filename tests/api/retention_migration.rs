//! Migration 0012 on a database written before it: requests their requesters deleted
//! earlier (the case row kept) are purged, and other cases are untouched.

/// Requests deleted before deletion purged kept their case row (`retain_until` set) with its
/// notes, timeline and deadlines: migration 0012 purges them and leaves other cases alone.
mod requests_deleted_before_are_purged_by_the_migration {
    use crate::helpers::{drop_postgres_database, fresh_postgres_database};
    use embassy_desk::server::{config::Backend, db::Db};
    use sqlx::Row;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        migrates(&format!("sqlite://{}/desk.sqlite?mode=rwc", dir.path().display()), Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some((url, name)) = fresh_postgres_database().await {
            migrates(&url, Backend::Postgres).await;
            drop_postgres_database(name);
        }
    }

    async fn migrates(url: &str, backend: Backend) {
        let folder = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        let all = sqlx::migrate::Migrator::new(std::path::Path::new(&format!("{}/migrations/{folder}", env!("CARGO_MANIFEST_DIR")))).await.unwrap();
        let before =
            sqlx::migrate::Migrator { migrations: all.migrations.iter().filter(|m| m.version < 12).cloned().collect(), ..sqlx::migrate::Migrator::DEFAULT };
        let db = Db::connect(url, backend).await.unwrap();
        before.run(db.pool()).await.unwrap();
        let pool = db.pool();
        for sql in [
            "INSERT INTO embassies (id, code, country, name, created_at) VALUES ('e1', 'pl', 'PL', 'Poland', 1)",
            "INSERT INTO queues (id, embassy_id, slug, name, created_at) VALUES ('q1', 'e1', 'general', 'General', 1)",
            "INSERT INTO people (id, login, password_hash, role, embassy_id, created_at, password_changed_at) VALUES ('p1', 'lena', 'x', 'lead', 'e1', 1, 1)",
            // 2023-11-14, answered an hour later, deleted 2024-03-09; and one still open.
            "INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, created_at, updated_at, first_response_at, closed_at, retain_until) \
             VALUES ('gone', 'R-1', 'e1', 'q1', 'housing', 'closed', 2, 'be', 1700000000, 1700000000, 1700003600, 1710000000, 1710000000)",
            "INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, created_at, updated_at) \
             VALUES ('kept', 'R-2', 'e1', 'q1', 'work', 'new', 2, 'ru', 1700000000, 1700000000)",
            "INSERT INTO case_events (id, case_id, at, person_id, kind, old_value, new_value) VALUES ('ev1', 'gone', 1, 'p1', 'status', 'new', 'closed')",
            "INSERT INTO case_deadlines (id, case_id, embassy_id, kind, due_on, created_by, created_at) VALUES ('d1', 'gone', 'e1', 'appeal', '2030-01-01', 'p1', 1)",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        for case in ["gone", "kept"] {
            sqlx::query("INSERT INTO case_notes (id, case_id, person_id, created_at, sealed) VALUES ($1, $2, 'p1', 1, $3)")
                .bind(format!("n-{case}"))
                .bind(case)
                .bind(vec![0xaa_u8, 0xbb])
                .execute(pool)
                .await
                .unwrap();
        }
        db.migrate().await.unwrap();

        let cases: Vec<String> = sqlx::query_scalar("SELECT id FROM cases").fetch_all(pool).await.unwrap();
        assert_eq!(cases, ["kept"]);
        for table in ["case_notes", "case_events", "case_deadlines"] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE case_id = 'gone'")).fetch_one(pool).await.unwrap();
            assert_eq!(n, 0, "{table}");
        }
        let kept_notes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_notes WHERE case_id = 'kept'").fetch_one(pool).await.unwrap();
        assert_eq!(kept_notes, 1);
        let row = sqlx::query(
            "SELECT queue_id, categories, opened_month, closed_month, outcome, first_response_day, first_response_took, resolved_day FROM past_cases",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let text: Vec<String> = (0..5).map(|i| row.get(i)).collect();
        let days: Vec<Option<i64>> = (5..8).map(|i| row.get(i)).collect();
        assert_eq!(text, ["q1", "housing", "2023-11", "2024-03", "withdrawn"]);
        assert_eq!(days, [Some(19_675), Some(3_600), None]);
        let opened: i64 = sqlx::query_scalar("SELECT CAST(SUM(opened) AS BIGINT) FROM case_days").fetch_one(pool).await.unwrap();
        assert_eq!(opened, 2, "the chart still counts the deleted request");
        assert!(sqlx::query("SELECT retain_until FROM cases").fetch_all(pool).await.is_err(), "retain_until is gone");
        db.close().await;
    }
}
