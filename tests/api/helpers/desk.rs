//! The desk's flows over HTTP, as a browser without JavaScript uses them: sign-in with the
//! second factor, invitations, the queue and case pages and every change posted to them,
//! the team and audit pages.

use super::{world::PASSWORD, Page, SignedIn, TestApp};

impl TestApp {
    /// Posts a login and password to the desk's sign-in page.
    pub async fn post_desk_login(&self, login: &str, password: &str) -> Page {
        self.post("/desk/login", &[("login", login), ("password", password)], None).await
    }

    /// [`Self::post_desk_login`] with an owned login (for many at once).
    pub async fn post_desk_login_owned(&self, login: String, password: &str) -> Page {
        self.post_desk_login(&login, password).await
    }

    /// Posts a TOTP code on the second-factor page of a half-signed session.
    pub async fn post_second_factor(&self, half: &str, code: &str) -> Page {
        self.post("/desk/second-factor", &[("code", code)], Some(half)).await
    }

    /// Signs in over HTTP: password, then (enrolling the first time) the code. Returns the
    /// `Cookie` header of the full session.
    pub async fn sign_in(&self, login: &str, person_id: &str) -> String {
        let page = self.post_desk_login(login, PASSWORD).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let cookie = page.desk_cookie();
        if page.location.as_deref() == Some("/desk") {
            return cookie;
        }
        assert_eq!(page.location.as_deref(), Some("/desk/second-factor"));
        let second = self.get("/desk/second-factor", Some(&cookie), Some("en")).await;
        assert_eq!(second.status, 200, "{}", second.body);
        let code = self.next_code(person_id).await;
        let done = self.post_second_factor(&cookie, &code).await;
        assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
        done.desk_cookie()
    }

    /// Ends every session of the person signed in.
    pub async fn post_logout_everywhere(&self, who: &(impl SignedIn + ?Sized)) -> Page {
        self.post("/desk/logout-everywhere", &[], Some(who.cookie())).await
    }

    /// A desk page (`path` with its query), in English.
    pub async fn get_desk(&self, who: &(impl SignedIn + ?Sized), path: &str) -> Page {
        self.get(path, Some(who.cookie()), Some("en")).await
    }

    /// The queue page, in English.
    pub async fn get_queue(&self, who: &(impl SignedIn + ?Sized)) -> Page {
        self.get_desk(who, "/desk").await
    }

    /// A case's page, in English.
    pub async fn get_case(&self, who: &(impl SignedIn + ?Sized), case: &str) -> Page {
        self.get_desk(who, &format!("/desk/cases/{case}")).await
    }

    /// Presses "take the next case" on the queue page.
    pub async fn post_take_next(&self, who: &(impl SignedIn + ?Sized)) -> Page {
        self.post("/desk", &[("action", "take-next")], Some(who.cookie())).await
    }

    /// Posts `action` with `fields` to a case's page.
    pub async fn post_case(&self, who: &(impl SignedIn + ?Sized), case: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs = vec![("action", action)];
        pairs.extend_from_slice(fields);
        self.post(&format!("/desk/cases/{case}"), &pairs, Some(who.cookie())).await
    }

    /// Writes an internal note on a case.
    pub async fn post_note(&self, who: &(impl SignedIn + ?Sized), case: &str, body: &str) -> Page {
        self.post_case(who, case, "note", &[("body", body)]).await
    }

    /// Replies to the requester of a case.
    pub async fn post_reply(&self, who: &(impl SignedIn + ?Sized), case: &str, body: &str) -> Page {
        self.post_case(who, case, "reply", &[("body", body)]).await
    }

    /// Moves a case to `status`.
    pub async fn post_status(&self, who: &(impl SignedIn + ?Sized), case: &str, status: &str) -> Page {
        self.post_case(who, case, "status", &[("status", status)]).await
    }

    /// Sets a case's priority.
    pub async fn post_priority(&self, who: &(impl SignedIn + ?Sized), case: &str, priority: &str) -> Page {
        self.post_case(who, case, "priority", &[("priority", priority)]).await
    }

    /// Assigns a case to `person` (the empty string unassigns it).
    pub async fn post_assign(&self, who: &(impl SignedIn + ?Sized), case: &str, person: &str) -> Page {
        self.post_case(who, case, "assign", &[("person", person)]).await
    }

    /// Takes a case for oneself.
    pub async fn post_take(&self, who: &(impl SignedIn + ?Sized), case: &str) -> Page {
        self.post_case(who, case, "take", &[]).await
    }

    /// Hands a case one holds back to its queue.
    pub async fn post_hand_back(&self, who: &(impl SignedIn + ?Sized), case: &str) -> Page {
        self.post_case(who, case, "hand-back", &[]).await
    }

    /// Moves a case to another queue with these categories.
    pub async fn post_route(&self, who: &(impl SignedIn + ?Sized), case: &str, queue: &str, categories: &str) -> Page {
        self.post_case(who, case, "route", &[("queue", queue), ("categories", categories)]).await
    }

    /// Adds a deadline (`kind`, `due_on` as typed) to a case.
    pub async fn post_deadline(&self, who: &(impl SignedIn + ?Sized), case: &str, kind: &str, due_on: &str) -> Page {
        self.post_case(who, case, "deadline", &[("kind", kind), ("due_on", due_on)]).await
    }

    /// Marks a case's deadline done.
    pub async fn post_deadline_done(&self, who: &(impl SignedIn + ?Sized), case: &str, deadline: &str) -> Page {
        self.post_case(who, case, "deadline-done", &[("deadline", deadline)]).await
    }

    /// Posts `action` with `fields` to the team page.
    pub async fn post_team(&self, who: &(impl SignedIn + ?Sized), action: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs = vec![("action", action)];
        pairs.extend_from_slice(fields);
        self.post("/desk/team", &pairs, Some(who.cookie())).await
    }

    /// Invites a person of `role`; `fields` name the embassy or queues.
    pub async fn post_invite(&self, who: &(impl SignedIn + ?Sized), role: &str, fields: &[(&str, &str)]) -> Page {
        let mut pairs = vec![("role", role)];
        pairs.extend_from_slice(fields);
        self.post_team(who, "invite", &pairs).await
    }

    /// Invites a person of `role`; returns the path of the invitation link shown.
    pub async fn invitation(&self, who: &(impl SignedIn + ?Sized), role: &str, fields: &[(&str, &str)]) -> String {
        let page = self.post_invite(who, role, fields).await;
        assert_eq!(page.status, 201, "{}", page.body);
        let link = page.input_value("invitation-link").expect("the new link is shown");
        link.strip_prefix(&self.base).expect("link on this site").to_owned()
    }

    /// Accepts an invitation: a login and the password twice.
    pub async fn post_join(&self, path: &str, login: &str, password: &str, again: &str) -> Page {
        self.post(path, &[("login", login), ("password", password), ("password_again", again)], None).await
    }

    /// Deactivates a person.
    pub async fn post_deactivate(&self, who: &(impl SignedIn + ?Sized), person: &str) -> Page {
        self.post_team(who, "deactivate", &[("person", person)]).await
    }

    /// Changes a person's role and queues.
    pub async fn post_change_person(&self, who: &(impl SignedIn + ?Sized), person: &str, role: &str, queues: &[&str]) -> Page {
        let mut pairs = vec![("person", person), ("role", role)];
        pairs.extend(queues.iter().map(|q| ("queues", *q)));
        self.post_team(who, "change", &pairs).await
    }

    /// Changes the password of the person signed in: the current one, the new one twice.
    pub async fn post_password_change(&self, who: &(impl SignedIn + ?Sized), current: &str, new: &str, again: &str) -> Page {
        self.post("/desk/password", &[("current_password", current), ("password", new), ("password_again", again)], Some(who.cookie())).await
    }

    /// Asks the team page for a reset link for `person`.
    pub async fn post_reset(&self, who: &(impl SignedIn + ?Sized), person: &str) -> Page {
        self.post_team(who, "reset", &[("person", person)]).await
    }

    /// Issues a reset link for `person`; returns the path of the link shown.
    pub async fn reset_link(&self, who: &(impl SignedIn + ?Sized), person: &str) -> String {
        let page = self.post_reset(who, person).await;
        assert_eq!(page.status, 201, "{}", page.body);
        let link = page.input_value("reset-link").expect("the new reset link is shown");
        link.strip_prefix(&self.base).expect("link on this site").to_owned()
    }

    /// Sets a new password by a reset link: the password twice.
    pub async fn post_new_password(&self, path: &str, password: &str, again: &str) -> Page {
        self.post(path, &[("password", password), ("password_again", again)], None).await
    }

    /// Runs the integrity check of the audit log.
    pub async fn post_audit_check(&self, who: &(impl SignedIn + ?Sized)) -> Page {
        self.post("/desk/audit", &[("action", "check")], Some(who.cookie())).await
    }
}
