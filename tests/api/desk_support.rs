//! A small world for desk tests: two embassies, their queues, people of every role, and
//! sign-in over HTTP the way a browser does it (password, then the TOTP code).

use crate::{
    helpers::{open_case, TestApp},
    requester::{add_polish_embassy, form_body, get, post, Page},
};
use embassy_desk::{
    domain::{Category, Priority, Role},
    server::{
        cases::{CaseField, NewCase},
        crypto::{Keyring, Place},
        db::{self, embassies::EmbassyQueues, now, Db},
        desk::{self, Cursor, DeskError, ListFilter, ListedCase},
        staff::{passwords, totp, Staff},
    },
};
use secrecy::SecretString;
use zeroize::Zeroizing;

pub const PASSWORD: &str = "a long and calm passphrase 42";

/// Inserts an active person with `PASSWORD`; returns their id.
pub async fn person(app: &TestApp, login: &str, role: Role, embassy: Option<&str>, queues: &[&str]) -> String {
    let hash = passwords::hash(SecretString::from(PASSWORD)).await.unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let id = db::people::insert(&mut tx, login, &hash, role, embassy).await.unwrap();
    for q in queues {
        sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)").bind(*q).bind(&id).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    id
}

pub async fn add_embassy(app: &TestApp, code: &str, country: &str) -> EmbassyQueues {
    if code == "pl" {
        return add_polish_embassy(app).await;
    }
    let mut tx = app.state.db.begin().await.unwrap();
    let e = db::embassies::ensure(&mut tx, &app.state.keyring, "cli", code, country, &format!("Embassy {code}"), false).await.unwrap();
    tx.commit().await.unwrap();
    e
}

/// Opens a sealed case directly (as intake would) in `queue`; returns its id.
pub async fn case_in(app: &TestApp, embassy: &EmbassyQueues, category: Category, priority: Priority, created_at: i64, name: &str) -> String {
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
    let (id, _) = open_case(app, new, None).await;
    id.as_str().to_owned()
}

/// One page of the case list as the queue page loads it, with the cursor of the next page.
pub async fn list_cases(db: &Db, keyring: &Keyring, staff: &Staff, filter: &ListFilter) -> Result<(Vec<ListedCase>, Option<Cursor>), DeskError> {
    let page = desk::queue_page(db, &mut *db.acquire().await?, keyring, staff, filter).await?;
    Ok((page.cases, page.next))
}

/// The current TOTP code of a person who is enrolling or enrolled (read from their sealed
/// secret with the server's keyring, as their authenticator app would compute it).
pub async fn current_code(app: &TestApp, person_id: &str, step_offset: i64) -> String {
    code_at_step(app, person_id, totp::step_of(now()) + step_offset).await
}

/// A person's TOTP code of time step `step`.
pub async fn code_at_step(app: &TestApp, person_id: &str, step: i64) -> String {
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1").bind(person_id).fetch_one(app.state.db.pool()).await.unwrap();
    let place = Place { case: "", table: "people", column: "totp_secret", row: person_id };
    let secret = totp::TotpSecret::from_bytes(&app.state.keyring.open_secret(&place, &sealed).unwrap()).unwrap();
    totp::code_at(&secret, step)
}

/// The time step of the last code the server accepted from a person.
pub async fn last_used_step(app: &TestApp, person_id: &str) -> i64 {
    sqlx::query_scalar("SELECT totp_last_step FROM people WHERE id = $1").bind(person_id).fetch_one(app.state.db.pool()).await.unwrap()
}

pub fn desk_cookie(page: &Page) -> String {
    format!("desk={}", page.cookie("desk").expect("desk session cookie"))
}

/// Signs in over HTTP: password, then (enrolling first when needed) the code. Returns the
/// `Cookie` header of the full session.
pub async fn sign_in(app: &TestApp, login: &str, person_id: &str) -> String {
    let page = post(app, "/desk/login", form_body(&[("login", login), ("password", PASSWORD)]), None).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let cookie = desk_cookie(&page);
    if page.location.as_deref() == Some("/desk") {
        return cookie;
    }
    assert_eq!(page.location.as_deref(), Some("/desk/second-factor"));
    let second = get(app, "/desk/second-factor", Some(&cookie), Some("en")).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let code = current_code(app, person_id, 0).await;
    let done = post(app, "/desk/second-factor", form_body(&[("code", &code)]), Some(&cookie)).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
    desk_cookie(&done)
}

/// Two embassies with people of every role, each signed in.
pub struct World {
    pub pl: EmbassyQueues,
    pub admin: (String, String),
    pub lead_pl: (String, String),
    pub lead_lt: (String, String),
    /// Volunteer of Poland's legal-status queue.
    pub vol_legal: (String, String),
    /// Volunteer of Poland's housing queue.
    pub vol_housing: (String, String),
    pub vol_lt: (String, String),
}

impl World {
    pub async fn build(app: &TestApp) -> Self {
        let pl = add_embassy(app, "pl", "PL").await;
        let lt = add_embassy(app, "lt", "LT").await;
        let legal = pl.queue_for(Some(Category::LegalStatus)).to_owned();
        let housing = pl.queue_for(Some(Category::Housing)).to_owned();
        let lt_legal = lt.queue_for(Some(Category::LegalStatus)).to_owned();
        let mut ids = Vec::new();
        for (login, role, embassy, queues) in [
            ("root", Role::Admin, None, vec![]),
            ("lead.pl", Role::Lead, Some(pl.embassy_id.as_str()), vec![]),
            ("lead.lt", Role::Lead, Some(lt.embassy_id.as_str()), vec![]),
            ("vol.legal", Role::Volunteer, Some(pl.embassy_id.as_str()), vec![legal.as_str()]),
            ("vol.housing", Role::Volunteer, Some(pl.embassy_id.as_str()), vec![housing.as_str()]),
            ("vol.lt", Role::Volunteer, Some(lt.embassy_id.as_str()), vec![lt_legal.as_str()]),
        ] {
            let id = person(app, login, role, embassy, &queues).await;
            let cookie = sign_in(app, login, &id).await;
            ids.push((id, cookie));
        }
        let mut ids = ids.into_iter();
        let mut next = || ids.next().unwrap();
        World { pl, admin: next(), lead_pl: next(), lead_lt: next(), vol_legal: next(), vol_housing: next(), vol_lt: next() }
    }
}
