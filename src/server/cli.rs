//! Command line: `serve` (default), `migrate`, `keygen`, `create-admin`, `seed`, `audit verify`.

use super::{
    audit::{self, AuditEvent, Outcome},
    config::{Config, VARIABLES},
    crypto::Keyring,
    db, passwords, seed, startup, telemetry,
};
use crate::domain::Role;
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
    /// Create the key file, or add a new active key to it with --rotate.
    Keygen {
        /// Add a new key to an existing key file; older keys stay to open older values.
        #[arg(long)]
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
    AddEmbassy {
        /// Embassy code: pl, lt, de, cz, lv, ee, ge, ua, nl, fr, gb or us.
        code: String,
    },
    /// Send a message from the embassy to a requester (the text is read from standard input).
    Reply {
        /// The case's public reference, e.g. 7KQ2M-9XH4D.
        #[arg(long)]
        reference: String,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first row that was changed,
    /// removed, reordered or inserted.
    Verify,
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
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Err(e) = telemetry::init(&config.log_filter, std::io::IsTerminal::is_terminal(&std::io::stderr()), std::io::stderr) {
        return fail(e);
    }
    let runtime = match super::runtime_builder().build() {
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
    match command {
        Command::Serve => serve(config).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate => {
            startup::open_db(&config).await.map_err(|e| s(&e))?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { rotate: false } => {
            Keyring::generate_file(&config.key_file).map_err(|e| s(&e))?;
            println!("created key file {} — back it up apart from the database", config.key_file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { rotate: true } => {
            let id = Keyring::rotate_file(&config.key_file).map_err(|e| s(&e))?;
            println!("added key {id} to {}; new values are sealed with it", config.key_file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin { login, password_stdin } => create_admin(config, &login, password_stdin).await.map(|()| ExitCode::SUCCESS),
        Command::Seed { cases, embassies } => {
            let (state, _) = startup::prepare(config).await.map_err(|e| s(&e))?;
            seed::run(&state.db, &state.keyring, cases, &embassies).await.map_err(|e| s(&e))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::AddEmbassy { code } => {
            let (_, country, name) = db::embassies::KNOWN.iter().find(|(c, _, _)| *c == code).ok_or_else(|| format!("unknown embassy code {code:?}; known: pl, lt, de, cz, lv, ee, ge, ua, nl, fr, gb, us"))?;
            let (state, _) = startup::prepare(config).await.map_err(|e| s(&e))?;
            let mut tx = state.db.begin().await.map_err(|e| s(&e))?;
            db::embassies::ensure(&mut tx, &state.keyring, "cli", &code, country, &format!("People's Embassy of Belarus in {name}"), false).await.map_err(|e| s(&e))?;
            tx.commit().await.map_err(|e| s(&e))?;
            println!("embassy {code} is ready");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reply { reference } => reply(config, &reference).await.map(|()| ExitCode::SUCCESS),
        Command::Audit { command: AuditCommand::Verify } => {
            let keyring = Keyring::load(&config.key_file).map_err(|e| s(&e))?;
            let db = startup::open_db(&config).await.map_err(|e| s(&e))?;
            match audit::verify(&db, &keyring).await.map_err(|e| s(&e))? {
                Ok(rows) => {
                    println!("audit log intact: {rows} rows");
                    Ok(ExitCode::SUCCESS)
                }
                Err(problem) => Err(problem.to_string()),
            }
        }
    }
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
        println!("No admin account exists yet. Create the first one (in another terminal, same directory) with:");
        println!("    {exe} create-admin --login <name>");
    }
    startup::serve(state, listener, shutdown_signal()).await.map_err(|e| format!("server stopped: {e}"))
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

fn valid_login(login: &str) -> bool {
    (3..=64).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Shortest password accepted; long passphrases are welcome.
const MIN_PASSWORD_CHARS: usize = 12;

fn read_password(from_stdin: bool) -> Result<SecretString, String> {
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
    let chars = password.expose_secret().chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("the password must have at least {MIN_PASSWORD_CHARS} characters"));
    }
    if chars > 1024 {
        return Err("the password must have at most 1024 characters".into());
    }
    Ok(password)
}

async fn create_admin(config: Config, login: &str, password_stdin: bool) -> Result<(), String> {
    if !valid_login(login) {
        return Err("the login must be 3–64 characters of a–z, 0–9, '.', '_' or '-'".into());
    }
    let (state, _) = startup::prepare(config).await.map_err(|e| e.to_string())?;
    let password = read_password(password_stdin)?;
    let hash = passwords::hash(password).await.map_err(|e| e.to_string())?;
    let mut tx = state.db.begin().await.map_err(|e| e.to_string())?;
    let id = db::people::insert(&mut tx, login, &hash, Role::Admin, None).await.map_err(|e| e.to_string())?;
    audit::append(&mut tx, &state.keyring, &AuditEvent::new("cli", "person.create", Some(&id), Outcome::Ok)).await.map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("created admin {login}");
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
    follow_up::post(&state.db, &state.keyring, &case_id, Author::Volunteer, MessageKind::Reply, None, &text, "cli").await.map_err(|e| e.to_string())?;
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
        for name in ["serve", "migrate", "keygen", "create-admin", "seed", "add-embassy", "reply", "audit"] {
            assert!(Cli::command().find_subcommand(name).and_then(|c| c.get_about().map(|a| a.to_string())).is_some(), "{name}");
        }
    }

    #[test]
    fn logins_are_plain() {
        assert!(valid_login("admin") && valid_login("lena.k-2"));
        assert!(!valid_login("ad") && !valid_login("Admin") && !valid_login("a b c") && !valid_login("адмін"));
    }
}
