//! Audit checkpoints: the chain's last row, signed and kept outside the database, catch rows
//! cut from the end with the head rewritten to match (which the chain alone cannot see); a
//! forged line is refused; the server writes them on its own; and the command line writes,
//! prints and checks them against the same database.

use crate::{
    helpers::{captured_log_text, now, spawn_app_with, Backend, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority},
    server::audit::{
        self,
        checkpoint::{self, AuditProblem, Checkpoint, CheckpointError, WriteError},
    },
};
use std::{path::Path, process::Output, time::Duration};

on_both_backends!(audit_verify_catches_a_cut_tail, a_forged_checkpoint_line_is_refused);

/// Runs the binary against the app's database, key file and `checkpoints`.
async fn run(app: &TestApp, checkpoints: &Path, args: &[&str]) -> Output {
    let mut vars = app.vars();
    vars.insert("EMBASSY_DESK_AUDIT_CHECKPOINTS".into(), checkpoints.display().to_string());
    vars.insert("EMBASSY_DESK_LOG".into(), "warn".into());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || std::process::Command::new(env!("CARGO_BIN_EXE_embassy-desk")).args(args).env_clear().envs(vars).output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A log of a few dozen rows: a world, cases, and their views.
async fn some_history(app: &TestApp) -> World {
    let w = World::build(app).await;
    for name in ["Алесь", "Марыся", "Янка"] {
        let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, name).await;
        assert_eq!(app.get_case(&w.vol_legal, &case).await.status, 200);
    }
    w
}

async fn audit_verify_catches_a_cut_tail(app: TestApp) {
    let w = some_history(&app).await;
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let file = app.dir.path().join("witnessed-checkpoints");

    // Untouched: the command line writes a checkpoint, prints it, and verify passes with it.
    let out = run(&app, &file, &["audit", "checkpoint"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let written = checkpoint::latest_line(&file).unwrap().unwrap();
    assert_eq!(printed.trim(), written, "the printed line is the line appended");
    let taken = Checkpoint::parse(&written).unwrap();
    let last: i64 = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log").fetch_one(db.pool()).await.unwrap();
    assert_eq!(taken.seq, last, "a checkpoint names the last row");
    let out = run(&app, &file, &["audit", "verify"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("row {last} matches the checkpoint")), "{}", text(&out.stdout));

    // Someone with the database deletes the newest rows and sets the head back to match.
    let kept = last - 3;
    sqlx::query("DELETE FROM audit_log WHERE seq > $1").bind(kept).execute(db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_head SET seq = $1, mac = (SELECT mac FROM audit_log WHERE seq = $1) WHERE id = 1").bind(kept).execute(db.pool()).await.unwrap();
    assert_eq!(audit::verify(db, keyring).await.unwrap(), Ok(kept), "the chain alone cannot see the cut");
    let cut = CheckpointError::Cut { seq: last, at: taken.taken(), last: kept };
    assert_eq!(checkpoint::verify(db, keyring, Some(&taken)).await.unwrap(), Err(AuditProblem::Checkpoint(cut)));
    let out = run(&app, &file, &["audit", "verify"]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!("rows cut from the end: checkpoint at row {last}")) && err.contains(&format!("ends at row {kept}")), "{err}");

    // No new checkpoint is written over the cut: the last one stays to show it.
    let refused = checkpoint::write(db, keyring, &file).await;
    assert!(matches!(refused, Err(WriteError::Previous(CheckpointError::Cut { .. }))), "{refused:?}");
    assert_eq!(run(&app, &file, &["audit", "checkpoint"]).await.status.code(), Some(1));
    assert_eq!(checkpoint::latest_line(&file).unwrap().unwrap(), written);

    // The desk goes on and writes the cut rows' numbers again: the row differs from the one
    // the checkpoint names.
    for _ in 0..4 {
        assert_eq!(app.get_queue(&w.lead_pl).await.status, 200);
    }
    assert!(audit::verify(db, keyring).await.unwrap().unwrap() > last, "the chain alone verifies again");
    let rewritten = checkpoint::verify(db, keyring, Some(&taken)).await.unwrap();
    assert_eq!(rewritten, Err(AuditProblem::Checkpoint(CheckpointError::Rewritten { seq: last, at: taken.taken() })));
    let out = run(&app, &file, &["audit", "verify", "--checkpoint", &written]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&format!("audit row {last} is not the row the checkpoint")), "{}", text(&out.stderr));
}

async fn a_forged_checkpoint_line_is_refused(app: TestApp) {
    some_history(&app).await;
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let file = app.dir.path().join("witnessed-checkpoints");
    let genuine = checkpoint::write(db, keyring, &file).await.unwrap();
    let line = genuine.line();
    let out = run(&app, &file, &["audit", "verify", "--checkpoint", &line]).await;
    assert!(out.status.success(), "a witness's genuine line: {}", text(&out.stderr));

    // Someone who can write the database, but has no key file, makes a line for a shorter log.
    let earlier: Vec<u8> = sqlx::query_scalar("SELECT mac FROM audit_log WHERE seq = 3").fetch_one(db.pool()).await.unwrap();
    let forged = line.replacen(&format!("row={}", genuine.seq), "row=3", 1).replacen(
        &embassy_desk::server::crypto::hex(&genuine.mac),
        &embassy_desk::server::crypto::hex(&earlier),
        1,
    );
    assert_eq!(Checkpoint::parse(&forged).unwrap().authenticate(keyring), Err(CheckpointError::Forged));
    let out = run(&app, &file, &["audit", "verify", "--checkpoint", &forged]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not verify under the key file"), "{}", text(&out.stderr));
    // Appended to the file, it is the latest line, and verify refuses it too.
    checkpoint::append_line(&file, &forged).unwrap();
    let out = run(&app, &file, &["audit", "verify"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("forged or altered"), "{}", text(&out.stderr));
    // A row MAC passed off as a checkpoint's tag does not verify either (a key of its own).
    let tag_of_row = format!("tag={}", embassy_desk::server::crypto::hex(&genuine.mac));
    let swapped = line.replacen(&format!("tag={}", embassy_desk::server::crypto::hex(&genuine.tag)), &tag_of_row, 1);
    assert_eq!(Checkpoint::parse(&swapped).unwrap().authenticate(keyring), Err(CheckpointError::Forged));
    // Not a checkpoint at all: one line, exit 1.
    let out = run(&app, &file, &["audit", "verify", "--checkpoint", "row=3 please"]).await;
    assert_eq!((out.status.code(), text(&out.stderr).lines().count()), (Some(1), 1), "{}", text(&out.stderr));

    // Without a checkpoint file the chain is checked alone, and the output says so.
    let out = run(&app, &app.dir.path().join("no-such-file"), &["audit", "verify"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("no checkpoint checked (there is no checkpoint file at"), "{}", text(&out.stdout));
}

/// Waits up to a minute for `check` to hold.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..600 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within a minute");
}

/// The server writes a checkpoint at start and at every interval (a second here); one it
/// cannot write is logged and written at a later interval.
async fn the_server_writes_checkpoints_on_its_own(backend: Backend) {
    let outside = tempfile::tempdir().unwrap();
    let folder = outside.path().join("not-yet");
    let file = folder.join("audit-checkpoints");
    let Some(app) =
        spawn_app_with(backend, &[("EMBASSY_DESK_AUDIT_CHECKPOINTS", &file.display().to_string()), ("EMBASSY_DESK_AUDIT_CHECKPOINT_SECS", "1")]).await
    else {
        return;
    };
    // Its folder is missing: the failure is logged, without stopping the server.
    eventually("a logged failure", || captured_log_text().contains(&format!("cannot use the checkpoint file {}", file.display()))).await;
    assert_eq!(app.get("/follow-up", None, None).await.status, 200, "the server answers meanwhile");
    std::fs::create_dir(&folder).unwrap();
    eventually("two checkpoints", || std::fs::read_to_string(&file).is_ok_and(|f| f.lines().count() >= 2)).await;
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    for line in std::fs::read_to_string(&file).unwrap().lines() {
        let checkpoint = Checkpoint::parse(line).unwrap();
        assert_eq!(checkpoint::matches(&app.state.db, &app.state.keyring, &checkpoint).await.unwrap(), Ok(()), "{line}");
    }
}

mod the_server_writes_checkpoints_on_its_own {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::the_server_writes_checkpoints_on_its_own(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::the_server_writes_checkpoints_on_its_own(Backend::Postgres).await;
    }
}
