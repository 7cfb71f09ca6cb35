//! A small world for desk tests — two embassies, their queues, people of every role, each
//! signed in over HTTP — and the setup no page offers: people and embassies created as the
//! command line does, cases opened as intake would, a person's current TOTP code.

use super::TestApp;
use embassy_desk::{
    domain::{Category, Priority, Role},
    server::{
        cases::{CaseField, NewCase},
        crypto::Place,
        db::{self, embassies::EmbassyQueues},
        staff::{self, passwords, totp},
    },
};
use secrecy::SecretString;
use zeroize::Zeroizing;

pub const PASSWORD: &str = "a long and calm passphrase 42";

/// The current time, in seconds since the epoch (as the server reads it).
pub fn now() -> i64 {
    db::now()
}

/// A person signed in at the desk: their id and the `Cookie` header of their session.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub cookie: String,
}

/// Whoever a desk request is sent as: a signed-in [`Person`] or a bare `Cookie` header.
pub trait SignedIn {
    fn cookie(&self) -> &str;
}

impl SignedIn for Person {
    fn cookie(&self) -> &str {
        &self.cookie
    }
}

impl SignedIn for str {
    fn cookie(&self) -> &str {
        self
    }
}

impl SignedIn for String {
    fn cookie(&self) -> &str {
        self
    }
}

/// Two embassies with people of every role, each signed in.
pub struct World {
    pub pl: EmbassyQueues,
    pub lt: EmbassyQueues,
    /// Poland's legal-status queue.
    pub legal: String,
    /// Poland's housing queue.
    pub housing: String,
    pub admin: Person,
    pub lead_pl: Person,
    pub lead_lt: Person,
    /// Volunteer of Poland's legal-status queue.
    pub vol_legal: Person,
    /// Volunteer of Poland's housing queue.
    pub vol_housing: Person,
    pub vol_lt: Person,
}

impl World {
    pub async fn build(app: &TestApp) -> Self {
        let pl = app.add_embassy("pl", "PL").await;
        let lt = app.add_embassy("lt", "LT").await;
        let legal = pl.queue_for(Some(Category::LegalStatus)).to_owned();
        let housing = pl.queue_for(Some(Category::Housing)).to_owned();
        let lt_legal = lt.queue_for(Some(Category::LegalStatus)).to_owned();
        let mut people = Vec::new();
        for (login, role, embassy, queues) in [
            ("root", Role::Admin, None, vec![]),
            ("lead.pl", Role::Lead, Some(pl.embassy_id.as_str()), vec![]),
            ("lead.lt", Role::Lead, Some(lt.embassy_id.as_str()), vec![]),
            ("vol.legal", Role::Volunteer, Some(pl.embassy_id.as_str()), vec![legal.as_str()]),
            ("vol.housing", Role::Volunteer, Some(pl.embassy_id.as_str()), vec![housing.as_str()]),
            ("vol.lt", Role::Volunteer, Some(lt.embassy_id.as_str()), vec![lt_legal.as_str()]),
        ] {
            let id = app.add_person(login, role, embassy, &queues).await;
            let cookie = app.sign_in(login, &id).await;
            people.push(Person { id, cookie });
        }
        let mut people = people.into_iter();
        let mut next = || people.next().unwrap();
        World { admin: next(), lead_pl: next(), lead_lt: next(), vol_legal: next(), vol_housing: next(), vol_lt: next(), pl, lt, legal, housing }
    }
}

impl TestApp {
    /// Inserts an active person with `PASSWORD`; returns their id.
    pub async fn add_person(&self, login: &str, role: Role, embassy: Option<&str>, queues: &[&str]) -> String {
        let hash = passwords::hash(SecretString::from(PASSWORD)).await.unwrap();
        let mut tx = self.state.db.begin().await.unwrap();
        let id = db::people::insert(&mut tx, login, &hash, role, embassy).await.unwrap();
        for q in queues {
            sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)").bind(*q).bind(&id).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    /// Creates an embassy and its queues, as `embassy-desk add-embassy` does.
    pub async fn add_embassy(&self, code: &str, country: &str) -> EmbassyQueues {
        let name = if code == "pl" { "People's Embassy of Belarus in Poland".to_owned() } else { format!("Embassy {code}") };
        let mut tx = self.state.db.begin().await.unwrap();
        let e = embassy_desk::server::team::ensure_embassy(&mut tx, &self.state.keyring, "cli", code, country, &name, false).await.unwrap();
        tx.commit().await.unwrap();
        e
    }

    /// Opens a sealed case directly (as intake would) in the embassy's queue of `category`;
    /// returns its id.
    pub async fn case_in(&self, embassy: &EmbassyQueues, category: Category, priority: Priority, created_at: i64, name: &str) -> String {
        let new = NewCase {
            embassy_id: embassy.embassy_id.clone(),
            queue_id: embassy.queue_for(Some(category)).to_owned(),
            categories: vec![category],
            priority,
            language: "be".into(),
            created_at,
            first_response_due_at: Some(created_at + priority.first_response_hours() * 3600),
            fields: vec![(CaseField::RequesterName, Zeroizing::new(name.to_owned())), (CaseField::Narrative, Zeroizing::new(format!("story of {name}")))],
        };
        let (id, _) = super::open_case(self, new, None).await;
        id.as_str().to_owned()
    }

    /// A queue of the embassy with no category and no cases, to retire; returns its id.
    pub async fn spare_queue(&self, embassy_id: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO queues (id, embassy_id, slug, name, category, created_at) VALUES ($1, $2, $1, 'Spare', NULL, 0)")
            .bind(&id)
            .bind(embassy_id)
            .execute(self.state.db.pool())
            .await
            .unwrap();
        id
    }

    /// A canned reply of the embassy, in Ukrainian; returns its id.
    pub async fn canned_reply(&self, embassy_id: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query("INSERT INTO canned_replies (id, embassy_id, language, title, body, updated_at) VALUES ($1, $2, 'uk', $3, 'Текст.', 0)")
            .bind(&id)
            .bind(embassy_id)
            .bind(format!("Шаблон {id}"))
            .execute(self.state.db.pool())
            .await
            .unwrap();
        id
    }

    /// The reference a case was given.
    pub async fn reference_of(&self, case: &str) -> String {
        sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1").bind(case).fetch_one(self.state.db.pool()).await.unwrap()
    }

    /// Who holds a case now.
    pub async fn assignee_of(&self, case: &str) -> Option<String> {
        sqlx::query_scalar("SELECT assignee_id FROM cases WHERE id = $1").bind(case).fetch_one(self.state.db.pool()).await.unwrap()
    }

    /// How many times `action` was done to `object`: its audit rows of outcome `ok` (a
    /// refused attempt is recorded too, as denied or not found).
    pub async fn audited(&self, action: &str, object: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2 AND outcome = 'ok'")
            .bind(action)
            .bind(object)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// The staff behind a desk cookie, for the tests that call the desk's functions.
    pub async fn session_staff(&self, who: &(impl SignedIn + ?Sized)) -> staff::Staff {
        staff::resume(&self.state.db, &self.state.keyring, who.cookie().strip_prefix("desk=").unwrap()).await.unwrap().unwrap().staff
    }

    /// The current TOTP code of a person who is enrolling or enrolled (read from their
    /// sealed secret with the server's keyring, as their authenticator app would compute it).
    pub async fn current_code(&self, person_id: &str) -> String {
        self.code_at_step(person_id, totp::step_of(now())).await
    }

    /// A person's TOTP code of time step `step`.
    pub async fn code_at_step(&self, person_id: &str, step: i64) -> String {
        let sealed: Vec<u8> = sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1").bind(person_id).fetch_one(self.state.db.pool()).await.unwrap();
        let place = Place { case: "", table: "people", column: "totp_secret", row: person_id };
        let secret = totp::TotpSecret::from_bytes(&self.state.keyring.open_secret(&place, &sealed).unwrap()).unwrap();
        totp::code_at(&secret, step)
    }

    /// The time step of the last code the server accepted from a person.
    pub async fn last_used_step(&self, person_id: &str) -> i64 {
        self.last_step(person_id).await.expect("an enrolled second factor")
    }

    /// The time step of the last code the server accepted from a person, if they enrolled.
    pub async fn last_step(&self, person_id: &str) -> Option<i64> {
        sqlx::query_scalar("SELECT totp_last_step FROM people WHERE id = $1").bind(person_id).fetch_one(self.state.db.pool()).await.unwrap()
    }

    /// A code the server accepts from a person now: the current one, or, when they signed
    /// in within this time step already (a code works once), the next step's, as a clock
    /// slightly ahead shows it; past that, the next step is waited for.
    pub async fn next_code(&self, person_id: &str) -> String {
        let Some(last) = self.last_step(person_id).await else { return self.current_code(person_id).await };
        let step = totp::step_of(now()).max(last + 1);
        while step > totp::step_of(now()) + 1 {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        self.code_at_step(person_id, step).await
    }
}
