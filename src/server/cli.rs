//! Command line: `serve` (default), `migrate`, `keygen`, `create-admin`, `invite`, `reset`,
//! `seed`, `add-embassy`, `reply`, `purge`, `notify test`, `audit verify`, `audit checkpoint`,
//! `backup`, `restore`.

use crate::domain::AuditAction;
use crate::domain::Role;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    backup::{self, DatabaseLock},
    config::{Config, VARIABLES},
    crypto::Keyring,
    db, seed,
    staff::passwords,
    startup, telemetry,
};
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use std::{io::BufRead, process::ExitCode};

#[derive(Parser, Debug)]
#[command(name = "embassy-desk", version, about = "Confidential case desk of the People's Embassies of Belarus.", after_help = env_help())]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the desk (the default): migrate, check the key file, listen.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the key file; or rotate, re-wrap, retire and list its keys.
    Keygen {
        #[command(subcommand)]
        action: Option<KeygenAction>,
        /// The same as `keygen rotate`.
        #[arg(long, hide = true)]
        rotate: bool,
    },
    /// Create an admin account. Asks for the password twice unless --password-stdin is given.
    CreateAdmin {
        /// Login name: 3–64 characters of a–z, 0–9, '.', '_' or '-'. A pseudonym is fine.
        #[arg(long)]
        login: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Fill the database with synthetic cases, sealed like real intake (for demos and benchmarks).
    Seed {
        /// Number of cases to create.
        #[arg(long)]
        cases: u64,
        /// Embassy codes to create and spread cases over (e.g. pl,lt,de,cz).
        #[arg(long, value_delimiter = ',', default_value = "pl,lt,de,cz")]
        embassies: Vec<String>,
    },
    /// Create the embassy of a host country (with its queues); cases from that country go there.
    /// Its names, time zone and further countries are set on the desk's embassies page.
    AddEmbassy {
        /// The host country's ISO 3166-1 code (pl, lt, de, be, …), also the embassy's code.
        code: String,
    },
    /// Print a one-time invitation link (valid 72 hours) for a new lead, volunteer or admin.
    Invite {
        /// volunteer, lead or admin.
        #[arg(long)]
        role: String,
        /// Embassy code (leads and volunteers), e.g. pl.
        #[arg(long)]
        embassy: Option<String>,
        /// Queues of a volunteer, by name (e.g. legal_status,housing), or "all".
        #[arg(long, value_delimiter = ',')]
        queues: Vec<String>,
    },
    /// Print a one-time reset link (valid 24 hours) for a person who lost their password or
    /// second factor; both stop working and the person is signed out at once.
    Reset {
        /// The person's login.
        #[arg(long)]
        login: String,
    },
    /// Send a message from the embassy to a requester (the text is read from standard input).
    Reply {
        /// The case's public reference, e.g. 7KQ2M-9XH4D.
        #[arg(long)]
        reference: String,
    },
    /// Purge the closed cases whose embassy's retention has passed (the server also does this
    /// every day at midnight UTC). Each leaves only an anonymous row for the statistics.
    Purge {
        /// Print how many cases each embassy would purge, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// E-mail notifications.
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the SQLite database to a new file, while the server runs.
    /// The key file is not in it: back it up apart. (PostgreSQL: use pg_dump.)
    Backup {
        /// The new file to write; an existing file is never overwritten.
        path: std::path::PathBuf,
    },
    /// Replace the SQLite database with a backup, after checking it is one, sealed with
    /// this key file. Refused while a server or another command uses the database.
    /// (PostgreSQL: use pg_restore.)
    Restore {
        /// The backup file, written by `embassy-desk backup`.
        path: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum KeygenAction {
    /// Add a new active key and re-wrap every wrapped case key and second-factor secret
    /// under it (a running server takes the new key up within a minute).
    Rotate,
    /// Go on with an interrupted rotation: re-wrap what still names an older key.
    Rewrap,
    /// Remove an old key from the key file once nothing uses it. Copies of the database
    /// made before its rotation can then no longer be read with this key file.
    Retire {
        /// The key's id (see `keygen status`).
        key_id: u32,
    },
    /// List the keys: active, still in use, retired.
    Status,
}

#[derive(Subcommand, Debug)]
enum NotifyCommand {
    /// Send a test e-mail through the configured SMTP server (EMBASSY_DESK_SMTP_URL) and say
    /// whether it was accepted, with the server's answer when it was not.
    Test {
        /// The address to send it to.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain and the latest checkpoint; exits non-zero naming the first row
    /// that was changed, removed, reordered or inserted, or the rows cut from the end.
    Verify {
        /// Check against this checkpoint line (one a witness kept) instead of the file's latest.
        #[arg(long, value_name = "LINE")]
        checkpoint: Option<String>,
    },
    /// Append a checkpoint of the log's last row to the checkpoint file and print it, for a
    /// witness to keep.
    Checkpoint,
}

fn env_help() -> String {
    let mut s = String::from("Configuration (environment variables):\n");
    for (name, default, what) in VARIABLES {
        s.push_str(&format!("  {name:<30} {what} [default: {default}]\n"));
    }
    s
}

/// Runs the command line and maps every failure to one line on stderr and exit code 1.
pub fn main() -> ExitCode {
    // A panic message may hold data; log where it happened, never what it said.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        tracing::error!(location = %at, "panic");
        eprintln!("internal error at {at}");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them; a mistake is one line.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.render().to_string();
            return fail(text.lines().next().unwrap_or_default().trim_start_matches("error: "));
        }
    };
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Err(e) = telemetry::init(&config.log_filter, std::io::IsTerminal::is_terminal(&std::io::stderr()), std::io::stderr) {
        return fail(e);
    }
    let runtime = match crate::server::runtime_builder().build() {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn run(command: Command, config: Config) -> Result<ExitCode, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    // Held until the command ends, so that a restore never swaps the database under it.
    let _database_lock = if matches!(command, Command::Restore { .. }) { None } else { DatabaseLock::shared(&config)? };
    match command {
        Command::Serve => serve(config).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate => {
            startup::open_db(&config).await.map_err(|e| s(&e))?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { action: None, rotate: false } => {
            startup::check_key_file_place(&config).map_err(|e| s(&e))?;
            Keyring::generate_file(&config.key_file).map_err(|e| s(&e))?;
            println!("created key file {} — back it up apart from the database", config.key_file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { action: Some(action), .. } => keygen(config, action).await.map(|()| ExitCode::SUCCESS),
        Command::Keygen { action: None, rotate: true } => keygen(config, KeygenAction::Rotate).await.map(|()| ExitCode::SUCCESS),
        Command::CreateAdmin { login, password_stdin } => create_admin(config, &login, password_stdin).await.map(|()| ExitCode::SUCCESS),
        Command::Seed { cases, embassies } => {
            let (state, _) = startup::prepare(config).await.map_err(|e| s(&e))?;
            seed::run(&state.db, &state.keyring, cases, &embassies).await.map_err(|e| s(&e))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Invite { role, embassy, queues } => invite(config, &role, embassy.as_deref(), &queues).await.map(|()| ExitCode::SUCCESS),
        Command::AddEmbassy { code } => {
            let code = code.trim().to_ascii_lowercase();
            let country = code.to_ascii_uppercase();
            if !crate::domain::countries::is_host(&country) {
                return Err(format!("unknown country code {code:?}: give the ISO 3166-1 code of the host country, e.g. pl or be"));
            }
            let (state, _) = startup::prepare(config).await.map_err(|e| s(&e))?;
            let mut tx = state.db.begin().await.map_err(|e| s(&e))?;
            crate::server::team::ensure_embassy(&mut tx, &state.keyring, "cli", &code, &country, &db::embassies::Names::default_for(&country).en, false)
                .await
                .map_err(|e| s(&e))?;
            tx.commit().await.map_err(|e| s(&e))?;
            println!("embassy {code} is ready");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reset { login } => {
            let (state, _) = startup::prepare(config).await.map_err(|e| s(&e))?;
            let issued = crate::server::staff::resets::operator_issue(&state.db, &state.keyring, "cli", login.trim())
                .await
                .map_err(|e| s(&e))?
                .ok_or("no active person has this login")?;
            println!("{}/desk/reset/{}", state.config.public_url.trim_end_matches('/'), issued.token);
            Ok(ExitCode::SUCCESS)
        }
        Command::Reply { reference } => reply(config, &reference).await.map(|()| ExitCode::SUCCESS),
        Command::Purge { dry_run } => purge(config, dry_run).await.map(|()| ExitCode::SUCCESS),
        Command::Notify { command: NotifyCommand::Test { to } } => notify_test(&config, &to).await.map(|()| ExitCode::SUCCESS),
        Command::Audit { command: AuditCommand::Verify { checkpoint } } => verify_audit(&config, checkpoint.as_deref()).await,
        Command::Audit { command: AuditCommand::Checkpoint } => {
            let keyring = Keyring::load(&config.key_file).map_err(|e| s(&e))?;
            let db = startup::open_db(&config).await.map_err(|e| s(&e))?;
            let checkpoint = audit::checkpoint::write(&db, &keyring, &config.audit_checkpoints).await.map_err(|e| s(&e))?;
            println!("{}", checkpoint.line());
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { path } => backup::backup(&config, &path).await.map(|done| println!("{done}")).map(|()| ExitCode::SUCCESS),
        Command::Restore { path } => backup::restore(&config, &path).await.map(|done| println!("{done}")).map(|()| ExitCode::SUCCESS),
    }
}

/// Sends a test e-mail to `to` through the configured SMTP server.
async fn notify_test(config: &Config, to: &str) -> Result<(), String> {
    use crate::server::notify::mail::{staff_text, Mailer, Tally};
    let to = crate::server::notify::checked_email(to).map_err(|_| format!("{to:?} is not an e-mail address"))?;
    let mailer = Mailer::new(&config.mail).map_err(|e| e.to_string())?;
    let text = staff_text(crate::i18n::Locale::en, &Tally { test: true, ..Tally::default() }, &config.public_url);
    mailer.send(&to, &text).await.map_err(|(e, detail)| format!("{e}: {detail}"))?;
    println!("the SMTP server accepted a test e-mail to {to}");
    Ok(())
}

/// Rotates, re-wraps, retires or lists the master keys.
async fn keygen(config: Config, action: KeygenAction) -> Result<(), String> {
    use crate::server::keys;
    // The key file must exist: rotating a key file made just now would be a mistake.
    Keyring::load(&config.key_file).map_err(|e| e.to_string())?;
    let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let (db, keyring, key_file) = (&state.db, &state.keyring, &state.config.key_file);
    match action {
        KeygenAction::Rotate => {
            let (id, counts) = keys::rotate(db, keyring, key_file).await.map_err(|e| e.to_string())?;
            println!(
                "added key {id} to {}; re-wrapped {} case keys and {} second-factor secrets under it",
                key_file.display(),
                counts.case_keys,
                counts.secrets
            );
        }
        KeygenAction::Rewrap => {
            let counts = keys::rewrap::run(db, keyring).await.map_err(|e| e.to_string())?;
            let left = keys::rewrap::uses(db, keyring, None).await.map_err(|e| e.to_string())?;
            println!("re-wrapped {} case keys and {} second-factor secrets; {} values still name an older key", counts.case_keys, counts.secrets, left.total());
        }
        KeygenAction::Retire { key_id } => {
            keys::retire(db, keyring, key_file, key_id).await.map_err(|e| e.to_string())?;
            println!("retired key {key_id}: copies of the database made before its rotation can no longer be read with {}", key_file.display());
        }
        KeygenAction::Status => {
            let records = db::key_checks::all(&mut *db.acquire().await.map_err(|e| e.to_string())?).await.map_err(|e| e.to_string())?;
            for record in records {
                let id = u32::try_from(record.key_id).unwrap_or(u32::MAX);
                let state = if record.retired_at.is_some() {
                    "retired".to_owned()
                } else if id == keyring.active_key_id() {
                    format!("active{}", if record.rewrapped_at.is_some() { "" } else { ", re-wrap not finished" })
                } else {
                    let uses = keys::rewrap::uses(db, keyring, Some(id)).await.map_err(|e| e.to_string())?;
                    format!("older, used by {} values", uses.total())
                };
                println!("key {id}: {state}");
            }
        }
    }
    Ok(())
}

/// Checks the chain, and the chain against a witness's checkpoint line or else the latest
/// line of the checkpoint file. Without either it checks the chain and says what it could
/// not check.
async fn verify_audit(config: &Config, witness: Option<&str>) -> Result<ExitCode, String> {
    use audit::checkpoint::{self, Checkpoint};
    startup::check_key_file_place(config).map_err(|e| e.to_string())?;
    let keyring = Keyring::load(&config.key_file).map_err(|e| e.to_string())?;
    let file = config.audit_checkpoints.display();
    // The checkpoint is read before the chain: one the server writes meanwhile could name a
    // row the chain was read without.
    let (line, missing) = match witness {
        Some(line) => (Some(line.to_owned()), None),
        None => match checkpoint::latest_line(&config.audit_checkpoints) {
            Ok(Some(line)) => (Some(line), None),
            Ok(None) => (None, Some(format!("the checkpoint file {file} holds no checkpoint"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, Some(format!("there is no checkpoint file at {file}"))),
            Err(e) => return Err(format!("cannot read the checkpoint file {file}: {e}")),
        },
    };
    let checkpoint = line.as_deref().map(Checkpoint::parse).transpose().map_err(|e| e.to_string())?;
    let db = startup::open_db(config).await.map_err(|e| e.to_string())?;
    let rows = checkpoint::verify(&db, &keyring, checkpoint.as_ref()).await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    match (checkpoint, missing) {
        (Some(c), _) => println!("audit log intact: {rows} rows; row {} matches the checkpoint taken {}", c.seq, c.taken()),
        (None, why) => println!("audit log intact: {rows} rows; no checkpoint checked ({}), so rows cut from the end would go unseen", why.unwrap_or_default()),
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config) -> Result<(), String> {
    let listener = startup::bind(&config).await.map_err(|e| e.to_string())?;
    let (state, notes) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let config = state.config.clone();
    if notes.key_file_created {
        println!("Created the key file {} (mode 0600). Back it up apart from the database: without it nothing can be read.", config.key_file.display());
    }
    let admins = db::people::count_active_admins(state.db.pool()).await.map_err(|e| e.to_string())?;
    println!("embassy-desk is serving on {}", config.public_url);
    if admins == 0 {
        let exe = std::env::args().next().unwrap_or_else(|| "embassy-desk".into());
        match write_setup_link(&state).await {
            Ok(path) => {
                println!("No admin account exists yet. A one-time setup link (valid 72 hours) is in {}; open it to create the first admin.", path.display())
            }
            Err(e) => println!("No admin account exists yet (the setup link could not be written: {e})."),
        }
        println!("Or create the first admin on the command line (in another terminal, same directory):");
        println!("    {exe} create-admin --login <name>");
    }
    startup::serve(state, listener, shutdown_signal()).await.map_err(|e| format!("server stopped: {e}"))
}

/// Writes the first admin's setup link into the data directory, readable by the owner
/// only (a link in the server's output could end up in a log).
async fn write_setup_link(state: &crate::server::AppState) -> Result<std::path::PathBuf, String> {
    let token = crate::server::staff::setup_invitation(&state.db, &state.keyring, "system").await.map_err(|e| e.to_string())?.ok_or("an admin exists")?;
    let path = state.config.data_dir.join("setup-link.txt");
    let link = format!("{}/desk/join/{token}\n", state.config.public_url.trim_end_matches('/'));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(&path).map_err(|e| e.to_string())?, link.as_bytes()).map_err(|e| e.to_string())?;
    Ok(path)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}

use crate::server::staff::valid_login;

/// Reads a new password and checks it against the policy (length, common passwords, login).
fn read_password(from_stdin: bool, login: &str) -> Result<SecretString, String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
        SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        let first = rpassword::prompt_password("Password: ").map_err(|e| format!("cannot read the password: {e}"))?;
        let second = rpassword::prompt_password("Same password again: ").map_err(|e| format!("cannot read the password: {e}"))?;
        if first != second {
            return Err("the two passwords differ".into());
        }
        SecretString::from(first)
    };
    use crate::server::staff::password_policy::{check, PasswordRule, MAX_CHARS, MIN_CHARS};
    match check(password.expose_secret(), login) {
        Ok(()) => Ok(password),
        Err(PasswordRule::TooShort) => Err(format!("the password must have at least {MIN_CHARS} characters (a passphrase of several words is best)")),
        Err(PasswordRule::TooLong) => Err(format!("the password must have at most {MAX_CHARS} characters")),
        Err(PasswordRule::Common) => Err("this password is too easy to guess; choose a longer one, or several words".into()),
        Err(PasswordRule::ContainsLogin) => Err("the password must not contain the login".into()),
    }
}

async fn create_admin(config: Config, login: &str, password_stdin: bool) -> Result<(), String> {
    if !valid_login(login) {
        return Err("the login must be 3–64 characters of a–z, 0–9, '.', '_' or '-'".into());
    }
    let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let password = read_password(password_stdin, login)?;
    let hash = passwords::hash(password).await.map_err(|e| e.to_string())?;
    let mut tx = state.db.begin().await.map_err(|e| e.to_string())?;
    let id = db::people::insert(&mut tx, login, &hash, Role::Admin, None).await.map_err(|e| e.to_string())?;
    audit::append(&mut tx, &state.keyring, &AuditEvent::new("cli", AuditAction::PersonCreate, Some(&id), Outcome::Ok)).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("created admin {login}");
    Ok(())
}

/// Prints an invitation link made by the operator.
async fn invite(config: Config, role: &str, embassy: Option<&str>, queues: &[String]) -> Result<(), String> {
    let role = Role::parse(role).ok_or("the role is volunteer, lead or admin")?;
    let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let embassy_id: Option<String> = match (role, embassy) {
        (Role::Admin, None) => None,
        (Role::Admin, Some(_)) => return Err("admins belong to no embassy".into()),
        (_, None) => return Err("leads and volunteers need --embassy".into()),
        (_, Some(code)) => Some(
            sqlx::query_scalar("SELECT id FROM embassies WHERE code = $1")
                .bind(code)
                .fetch_optional(state.db.pool())
                .await
                .map_err(|e| e.to_string())?
                .ok_or("no embassy has this code (add it with add-embassy)")?,
        ),
    };
    let mut queue_ids = Vec::new();
    if let Some(embassy_id) = &embassy_id {
        let all: Vec<(String, String)> = sqlx::query_as("SELECT id, slug FROM queues WHERE embassy_id = $1 AND retired_at IS NULL ORDER BY slug")
            .bind(embassy_id)
            .fetch_all(state.db.pool())
            .await
            .map_err(|e| e.to_string())?;
        for name in queues {
            if name == "all" {
                queue_ids = all.iter().map(|(id, _)| id.clone()).collect();
                break;
            }
            let (id, _) = all.iter().find(|(_, slug)| slug == name).ok_or_else(|| format!("the embassy has no queue {name:?}"))?;
            queue_ids.push(id.clone());
        }
    }
    if role == Role::Volunteer && queue_ids.is_empty() {
        return Err("volunteers need --queues (names, or all)".into());
    }
    let token = crate::server::staff::operator_invitation(&state.db, &state.keyring, "cli", role, embassy_id.as_deref(), &queue_ids)
        .await
        .map_err(|e| e.to_string())?;
    println!("{}/desk/join/{token}", state.config.public_url.trim_end_matches('/'));
    Ok(())
}

/// Purges the closed cases past their retention, or with `dry_run` counts them; one line
/// per embassy.
async fn purge(config: Config, dry_run: bool) -> Result<(), String> {
    use crate::server::retention;
    let at = db::now();
    let lines = if dry_run {
        let db = startup::open_db(&config).await.map_err(|e| e.to_string())?;
        retention::due(&db, config.retention_days, at).await.map_err(|e| e.to_string())?
    } else {
        let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
        retention::purge_due(&state.db, &state.keyring, "cli", state.config.retention_days, at).await.map_err(|e| e.to_string())?
    };
    let verb = if dry_run { "would be purged" } else { "purged" };
    for e in &lines {
        println!("{}: {} closed case(s) kept past {} days {verb}", e.code, e.cases, e.days);
    }
    println!("total: {} {verb}", lines.iter().map(|e| e.cases).sum::<i64>());
    Ok(())
}

/// Posts a message from the embassy, read from standard input, to the case with `reference`.
async fn reply(config: Config, reference: &str) -> Result<(), String> {
    use crate::{
        domain::{intake::validate_message, CaseRef},
        server::follow_up::{self, Author, MessageKind},
    };
    let reference = CaseRef::parse(reference).ok_or("a reference has ten letters and digits, e.g. 7KQ2M-9XH4D")?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(std::io::stdin(), 64 * 1024), &mut text).map_err(|e| e.to_string())?;
    let text = validate_message(&text).map_err(|e| format!("the message is not acceptable ({:?})", e.rule))?;
    let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let case_id = follow_up::case_by_reference(&state.db, &reference).await.map_err(|e| e.to_string())?.ok_or("no case has this reference")?;
    follow_up::post(
        &state.db,
        &state.keyring,
        &case_id,
        follow_up::Sender { author: Author::Volunteer, person_id: None, actor: "cli" },
        MessageKind::Reply,
        &text,
        crate::server::documents::attach::Attaching::NONE,
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("message sent");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_has_help() {
        Cli::command().debug_assert();
        for name in ["serve", "migrate", "keygen", "create-admin", "seed", "add-embassy", "invite", "reset", "reply", "purge", "audit", "backup", "restore"] {
            assert!(Cli::command().find_subcommand(name).and_then(|c| c.get_about().map(|a| a.to_string())).is_some(), "{name}");
        }
    }

    #[test]
    fn logins_are_plain() {
        assert!(valid_login("admin") && valid_login("lena.k-2"));
        assert!(!valid_login("ad") && !valid_login("Admin") && !valid_login("a b c") && !valid_login("адмін"));
    }
}
