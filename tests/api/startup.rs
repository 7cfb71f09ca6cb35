//! Start-up refuses a wrong or damaged key file, and production refuses a missing one.

use crate::helpers::{base_vars, spawn_app, Backend};
use embassy_desk::server::{config::Config, startup};
use std::collections::HashMap;

fn config(vars: &HashMap<String, String>) -> Config {
    Config::from_lookup(|k| vars.get(k).cloned()).unwrap()
}

async fn start_error(vars: &HashMap<String, String>) -> String {
    match startup::prepare(config(vars)).await {
        Ok(_) => panic!("start-up should have failed"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn wrong_key_file_stops_start_up() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let vars = app.vars();
    let key_file = app.dir.path().join("keyring");
    let original = std::fs::read(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();
    embassy_desk::server::crypto::Keyring::generate_file(&key_file).unwrap();
    let err = start_error(&vars).await;
    assert!(err.contains("not the key this database was sealed with"), "{err}");

    std::fs::write(&key_file, &original).unwrap();
    assert!(startup::prepare(config(&vars)).await.is_ok(), "the right key file starts again");
}

#[tokio::test]
async fn damaged_key_file_stops_start_up() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let vars = app.vars();
    let key_file = app.dir.path().join("keyring");
    let text = std::fs::read_to_string(&key_file).unwrap();
    let damaged: String =
        text.lines().map(|l| if l.starts_with("key ") { l.replacen("key 1 ", "key 1 AB", 1) } else { l.to_owned() }).collect::<Vec<_>>().join("\n");
    std::fs::write(&key_file, damaged).unwrap();
    let err = start_error(&vars).await;
    assert!(err.contains("is damaged at line") && !err.contains('\n'), "{err}");
}

#[tokio::test]
async fn production_requires_an_existing_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut vars = base_vars(dir.path(), &format!("sqlite://{}?mode=rwc", dir.path().join("db.sqlite").display()), "127.0.0.1:0".parse().unwrap());
    vars.insert("EMBASSY_DESK_ENV".into(), "production".into());
    vars.insert("EMBASSY_DESK_PUBLIC_URL".into(), "https://desk.example.org".into());
    let keys = tempfile::tempdir().unwrap();
    vars.insert("EMBASSY_DESK_KEY_FILE".into(), keys.path().join("keyring").display().to_string());
    let err = start_error(&vars).await;
    assert!(err.contains("does not exist") && err.contains("embassy-desk keygen"), "{err}");
    assert!(!keys.path().join("keyring").exists(), "production never creates a key file");
}

#[tokio::test]
async fn development_creates_data_dir_and_private_key_file() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let mut vars = base_vars(&data, &format!("sqlite://{}?mode=rwc", data.join("embassy-desk.sqlite").display()), "127.0.0.1:0".parse().unwrap());
    vars.remove("DATABASE_URL");
    let (_, notes) = startup::prepare(config(&vars)).await.unwrap();
    assert!(notes.key_file_created);
    assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
    assert_eq!(std::fs::metadata(data.join("keyring")).unwrap().permissions().mode() & 0o777, 0o600);
    for file in ["embassy-desk.sqlite", "embassy-desk.sqlite-wal"] {
        assert_eq!(std::fs::metadata(data.join(file)).unwrap().permissions().mode() & 0o777, 0o600, "{file}");
    }
    let (_, notes) = startup::prepare(config(&vars)).await.unwrap();
    assert!(!notes.key_file_created, "second start reuses the key file");
}
