//! The requester's flows: the intake form, coming back with the reference and code, the
//! thread of messages and deleting the request.

use super::{Page, TestApp};
use embassy_desk::{
    domain::CaseId,
    server::follow_up::{self, Author, MessageKind},
};

/// A complete, valid intake form (without its token).
pub fn valid_form() -> Vec<(&'static str, String)> {
    [
        ("categories", "legal_status"),
        ("categories", "housing"),
        ("country", "PL"),
        ("city", "Białystok"),
        ("legal_status", "visa"),
        ("permit_expiry", "2030-01-31"),
        ("household_size", "3"),
        ("children_count", "1"),
        ("description", "Мне трэба дапамога з картай побыту."),
        ("name", "Алеся"),
        ("language", "be"),
        ("contact_channel", "signal"),
        ("contact_handle", "+48 600 100 200"),
        ("consent", "yes"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// `form` with `name` set to `value` alone.
pub fn with(mut form: Vec<(&'static str, String)>, name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    form.retain(|(k, _)| *k != name);
    form.push((name, value.to_owned()));
    form
}

impl TestApp {
    /// A fresh form token from the start page.
    pub async fn form_token(&self) -> String {
        self.get("/", None, None).await.input_value("form_token").expect("the form carries a token")
    }

    /// Posts the intake form: `fields` and `form_token` as given.
    pub async fn post_intake_with_token(&self, fields: &[(&str, String)], token: &str) -> Page {
        let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("form_token", token));
        self.post("/", &pairs, None).await
    }

    /// Posts the intake form `fields` with a fresh token.
    pub async fn post_intake(&self, fields: &[(&str, String)]) -> Page {
        let token = self.form_token().await;
        self.post_intake_with_token(fields, &token).await
    }

    /// Submits a valid form; returns the reference and code shown on the receipt.
    pub async fn open_request(&self) -> (String, String) {
        let page = self.post_intake(&valid_form()).await;
        assert_eq!(page.status, 201, "{}", page.body);
        (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap())
    }

    /// Comes back with a reference and code.
    pub async fn post_follow_up_login(&self, reference: &str, code: &str) -> Page {
        self.post("/follow-up", &[("reference", reference), ("code", code)], None).await
    }

    /// Comes back with a reference and code; returns the `Cookie` header of the session.
    pub async fn requester_sign_in(&self, reference: &str, code: &str) -> String {
        let page = self.post_follow_up_login(reference, code).await;
        assert_eq!(page.status, 303, "{}", page.body);
        format!("followup={}", page.cookie("followup").expect("session cookie"))
    }

    /// The requester's page of their case and its thread.
    pub async fn get_thread(&self, cookie: &str, lang: &str) -> Page {
        self.get("/follow-up/case", Some(cookie), Some(lang)).await
    }

    /// The requester writes to the embassy; `kind` is `reply` or `information`.
    pub async fn post_message(&self, cookie: &str, kind: &str, message: &str) -> Page {
        self.post("/follow-up/case", &[("kind", kind), ("message", message)], Some(cookie)).await
    }

    /// The requester deletes their request, confirming it.
    pub async fn post_delete_request(&self, cookie: &str) -> Page {
        self.post("/follow-up/delete", &[("confirm", "yes")], Some(cookie)).await
    }

    /// The id of the case a receipt's reference names.
    pub async fn case_of(&self, reference: &str) -> String {
        sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1").bind(reference).fetch_one(self.state.db.pool()).await.unwrap()
    }

    /// The embassy's reply to a requester, as the command line sends it.
    pub async fn embassy_replies(&self, case: &str, text: &str) {
        self.message_from(case, Author::Volunteer, text).await;
    }

    /// A requester's message on a case, as their page sends it.
    pub async fn requester_writes(&self, case: &str, text: &str) {
        self.message_from(case, Author::Requester, text).await;
    }

    async fn message_from(&self, case: &str, author: Author, text: &str) {
        let actor = if author == Author::Requester { "requester" } else { "cli" };
        let sender = follow_up::Sender { author, person_id: None, actor };
        follow_up::post(
            &self.state.db,
            &self.state.keyring,
            &CaseId::parse(case).unwrap(),
            sender,
            MessageKind::Reply,
            text,
            embassy_desk::server::documents::attach::Attaching::NONE,
        )
        .await
        .unwrap();
    }
}
