//! The authorisation matrix: every server function, every page and every form route,
//! against every kind of caller. A server function, page or route without a row here fails
//! the test, so nothing new ships without a decision on who may call it.

use crate::{
    helpers::{now, Page, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{AuditPageAction, CaseAction, Category, EmbassiesAction, NotifyAction, Priority, QueueAction, RepliesAction, Role, SecurityAction, TeamAction},
    server::{desk, http},
};
use std::collections::BTreeSet;

on_both_backends!(every_endpoint_answers_each_caller_as_decided);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    Requester,
    VolunteerInQueue,
    VolunteerOtherQueue,
    VolunteerOtherEmbassy,
    Lead,
    LeadOtherEmbassy,
    Admin,
    Deactivated,
}
use Caller::*;

const CALLERS: [Caller; 9] = [Anonymous, Requester, VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin, Deactivated];

/// What a caller gets, as a browser would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// Done, or shown (2xx, or a redirect onwards).
    Ok,
    /// Sign in first (401, or a redirect to a sign-in page).
    SignIn,
    /// Unknown or outside the caller's scope (404).
    NotFound,
    /// In scope but not the caller's to do (403).
    Forbidden,
    /// Refused input (422).
    Invalid,
}
use Answer::*;

fn classify(page: &Page) -> Answer {
    match page.status {
        401 => SignIn,
        403 => Forbidden,
        404 => NotFound,
        422 => Invalid,
        303 if page.location.as_deref().is_some_and(|l| l.starts_with("/desk/login") || l.starts_with("/follow-up?ended")) => SignIn,
        200..=299 | 303 => Ok,
        other => panic!("unexpected status {other}: {}", page.body),
    }
}

fn is_staff_in(caller: Caller, allowed: &[Caller]) -> Answer {
    match caller {
        Anonymous | Requester | Deactivated => SignIn,
        c if allowed.contains(&c) => Ok,
        _ => NotFound,
    }
}

/// Who may read the test case (in Poland's legal-status queue, assigned to the volunteer of
/// that queue).
fn case_reader(c: Caller) -> Answer {
    is_staff_in(c, &[VolunteerInQueue, Lead, Admin])
}

/// Who may change the test case: its assignee, the lead of its embassy, admins.
fn case_worker(c: Caller) -> Answer {
    case_reader(c)
}

/// The decision for each server function (path under /api).
fn server_fn_row(path: &str, c: Caller) -> Option<Answer> {
    Some(match path {
        "/api/health" | "/api/intake/view" | "/api/follow-up/login-view" | "/api/desk/login-page" => Ok,
        "/api/follow-up/thread" => {
            if c == Requester {
                Ok
            } else {
                SignIn
            }
        }
        // Only a half-signed session (password given) reaches the second-factor step.
        "/api/desk/second-factor" => SignIn,
        // A token that is not an invitation, nor a reset link.
        "/api/desk/invitation" | "/api/desk/reset" => NotFound,
        "/api/desk/password-page" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        "/api/desk/queue-page" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        "/api/desk/case-page" => case_reader(c),
        "/api/desk/team-page" | "/api/desk/dashboard" | "/api/desk/audit-page" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        // Each lead keeps their own embassy's canned replies; admins any embassy's.
        "/api/desk/replies-page" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        // Admins every embassy; each lead their own embassy's queues.
        "/api/desk/embassies-page" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        // Everyone's own second factors.
        "/api/desk/security-page" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        // Everyone's own e-mail notifications.
        "/api/desk/notifications-page" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        _ => return None,
    })
}

fn server_fn_body<'a>(path: &str, case: &'a str) -> Vec<(&'static str, &'a str)> {
    match path {
        "/api/desk/invitation" | "/api/desk/reset" => vec![("token", "not-an-invitation")],
        "/api/desk/queue-page" => vec![("filter[assignee]", "Anyone"), ("filter[overdue]", "false")],
        "/api/desk/case-page" => vec![("id", case)],
        "/api/desk/dashboard" => vec![("filter[from]", "")],
        "/api/desk/audit-page" => vec![("query[from]", "")],
        "/api/desk/replies-page" => vec![("embassy", "")],
        _ => vec![],
    }
}

/// The decision for each page (GET).
fn page_row(path: &str, c: Caller) -> Option<Answer> {
    Some(match path {
        "/" | "/follow-up" | "/follow-up/delete" | "/follow-up/deleted" | "/desk/login" => Ok,
        // Without a session the page says so (and links to sign-in) with status 200.
        "/follow-up/case" => Ok,
        "/desk/second-factor" => SignIn,
        "/desk/join/:token" | "/desk/reset/:token" => NotFound,
        "/desk/password" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        "/desk" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        "/desk/cases/:id" => case_reader(c),
        "/desk/team" | "/desk/dashboard" | "/desk/audit" | "/desk/replies" | "/desk/embassies" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        "/desk/security" | "/desk/notifications" => {
            is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin])
        }
        _ => return None,
    })
}

/// The decision for each download (GET, not a page).
fn download_row(path: &str, c: Caller) -> Option<Answer> {
    Some(match path {
        "/desk/dashboard.csv" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        // The literal `{id}` names no case: every signed-in person gets 404 (the document
        // tests check who reaches a real one).
        "/desk/cases/{id}/documents/{document}" | "/desk/cases/{id}/documents/{document}/preview" => is_staff_in(c, &[]),
        // A requester reaches only the documents of their own case; others sign in first.
        "/follow-up/documents/{document}" => {
            if c == Requester {
                NotFound
            } else {
                SignIn
            }
        }
        _ => return None,
    })
}

/// The decision for each form route and case action.
fn post_row(route: &str, c: Caller) -> Option<Answer> {
    Some(match route {
        "/" | "/follow-up" | "/desk/login" => Invalid,
        "/follow-up/case" | "/follow-up/documents" => {
            if c == Requester {
                Invalid
            } else {
                SignIn
            }
        }
        // Log-outs answer everyone with the sign-in page.
        "/follow-up/logout" | "/desk/logout" | "/desk/logout-everywhere" => SignIn,
        "/follow-up/delete" => {
            if c == Requester {
                Ok
            } else {
                SignIn
            }
        }
        // The requester's own "e-mail me": answered with their page again.
        "/follow-up/notify" => {
            if c == Requester {
                Ok
            } else {
                SignIn
            }
        }
        // A person's own notifications: saving without an address is refused; a test
        // without an address too; removing is always theirs to do.
        "notify-save" | "notify-test" => match is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]) {
            Ok => Invalid,
            other => other,
        },
        "notify-remove" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        "/desk/second-factor" | "/desk/second-factor/passkey" => SignIn,
        "/desk/join/{token}" | "/desk/reset/{token}" => NotFound,
        // Every staff member changes their own password (nothing typed: refused).
        "/desk/password" => match is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]) {
            Ok => Invalid,
            other => other,
        },
        // A person's own passkeys: a nameless one is refused, someone else's is not found.
        "passkey-add" => match is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]) {
            Ok => Invalid,
            other => other,
        },
        "passkey-remove" => match is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]) {
            Ok => NotFound,
            other => other,
        },
        // A case's reference finds it for whoever may read it; for anyone else it is unknown.
        "/desk/find" => case_reader(c),
        "take-next" => is_staff_in(c, &[VolunteerInQueue, VolunteerOtherQueue, VolunteerOtherEmbassy, Lead, LeadOtherEmbassy, Admin]),
        // Leads of the case's embassy and admins; for anyone else the case is not there.
        "spam" => is_staff_in(c, &[Lead, Admin]),
        "note" | "reply" | "status" | "priority" | "route" | "deadline" | "deadline-done" => case_worker(c),
        // Linking two cases of the reader's scope: leads and admins.
        "link" | "not-duplicate" => match case_reader(c) {
            Ok if c == VolunteerInQueue => Forbidden,
            other => other,
        },
        "assign" => match case_reader(c) {
            Ok if c == VolunteerInQueue => Forbidden,
            other => other,
        },
        // Already assigned: nobody can take it.
        "take" => match case_reader(c) {
            Ok => Forbidden,
            other => other,
        },
        // Only its assignee hands a case back.
        "hand-back" => match case_reader(c) {
            Ok if c != VolunteerInQueue => Forbidden,
            other => other,
        },
        "invite" => match is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]) {
            // The other embassy's lead names a queue that is not theirs.
            Ok if c == LeadOtherEmbassy => Invalid,
            other => other,
        },
        "retention" => is_staff_in(c, &[Admin]),
        // Embassies and their countries are the admins'; an embassy's queues also its
        // lead's (the other embassy's lead names a queue or embassy not theirs).
        "embassy-create" | "embassy-change" | "country-add" | "country-remove" => is_staff_in(c, &[Admin]),
        "queue-add" | "queue-rename" | "queue-retire" => is_staff_in(c, &[Lead, Admin]),
        "sla" | "deactivate" | "change" | "reset" => is_staff_in(c, &[Lead, Admin]),
        "insider" => is_staff_in(c, &[Lead, Admin]),
        "check" => is_staff_in(c, &[Lead, LeadOtherEmbassy, Admin]),
        // A canned reply put into the reply box: whoever may reply on the case.
        "/desk/cases/{id}/canned" => case_worker(c),
        // Poland's canned replies and acknowledgement: its lead and admins; the other
        // embassy's lead names an embassy (or reply) that is not theirs.
        "canned-add" | "canned-change" | "canned-remove" | "acknowledgement" => is_staff_in(c, &[Lead, Admin]),
        _ => return None,
    })
}

async fn every_endpoint_answers_each_caller_as_decided(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = app.open_request().await;
    let requester = app.requester_sign_in(&reference, &code).await;
    let gone = app.add_person("gone", Role::Volunteer, Some(&w.pl.embassy_id), &[&w.legal]).await;
    let gone_cookie = app.sign_in("gone", &gone).await;
    assert_eq!(app.post_deactivate(&w.lead_pl, &gone).await.status, 303);
    let cookie = |c: Caller| -> Option<String> {
        match c {
            Anonymous => None,
            Requester => Some(requester.clone()),
            VolunteerInQueue => Some(w.vol_legal.cookie.clone()),
            VolunteerOtherQueue => Some(w.vol_housing.cookie.clone()),
            VolunteerOtherEmbassy => Some(w.vol_lt.cookie.clone()),
            Lead => Some(w.lead_pl.cookie.clone()),
            LeadOtherEmbassy => Some(w.lead_lt.cookie.clone()),
            Admin => Some(w.admin.cookie.clone()),
            Deactivated => Some(gone_cookie.clone()),
        }
    };
    // A fresh case for each check, assigned to the queue's volunteer, with one deadline (by
    // the desk's own functions: the log-outs below end the volunteer's sessions).
    let vol = app.session_staff(&w.vol_legal).await;
    let fresh_case = || async {
        let id = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 600, "Matrix").await;
        desk::take(&app.state.db, &app.state.keyring, &vol, &id).await.unwrap();
        desk::add_deadline(&app.state.db, &app.state.keyring, &vol, &id, "appeal", "2030-01-01").await.unwrap();
        let deadline: String = sqlx::query_scalar("SELECT id FROM case_deadlines WHERE case_id = $1").bind(&id).fetch_one(app.state.db.pool()).await.unwrap();
        (id, deadline)
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut check = |what: String, got: Answer, expected: Answer| {
        checked += 1;
        if got != expected {
            failures.push(format!("{what}: expected {expected:?}, got {got:?}"));
        }
    };

    // Server functions: every registered one must have a row.
    let (case, _) = fresh_case().await;
    let registered: BTreeSet<(String, bool)> = leptos::server_fn::axum::server_fn_paths().map(|(p, m)| (p.to_owned(), m == axum::http::Method::GET)).collect();
    assert!(registered.len() >= 10, "{registered:?}");
    for (path, by_get) in &registered {
        for c in CALLERS {
            let expected = server_fn_row(path, c).unwrap_or_else(|| panic!("server function {path} has no row in the authorisation matrix"));
            let page = if *by_get {
                app.get(path, cookie(c).as_deref(), None).await
            } else {
                app.post(path, &server_fn_body(path, &case), cookie(c).as_deref()).await
            };
            let got = classify(&page);
            check(format!("{path} as {c:?}"), got, expected);
        }
    }

    // Pages: every Leptos route must have a row.
    // Route patterns with their parameters written `:name`, whichever syntax the router uses.
    let pages: BTreeSet<String> = http::route_list().iter().map(|r| r.path().replace("{id}", ":id").replace("{token}", ":token")).collect();
    for path in &pages {
        let concrete = path.replace(":id", &case).replace(":token", "not-an-invitation");
        let concrete = if concrete.is_empty() { "/".to_owned() } else { concrete };
        for c in CALLERS {
            let expected = page_row(path, c).unwrap_or_else(|| panic!("page {path} has no row in the authorisation matrix"));
            let got = classify(&app.get(&concrete, cookie(c).as_deref(), Some("en")).await);
            check(format!("GET {path} as {c:?}"), got, expected);
        }
    }

    // Downloads: every one must have a row.
    for (path, _) in http::routes::downloads().into_iter().chain(http::routes::requester_downloads()) {
        for c in CALLERS {
            let expected = download_row(path, c).unwrap_or_else(|| panic!("download {path} has no row in the authorisation matrix"));
            let got = classify(&app.get(path, cookie(c).as_deref(), None).await);
            check(format!("GET {path} as {c:?}"), got, expected);
        }
    }

    // Form routes and case actions: every one must have a row. Log-out everywhere runs last,
    // since it ends the caller's sessions.
    let mut routes: Vec<&str> = http::routes::requester().into_iter().chain(http::routes::desk()).map(|(p, _)| p).collect();
    let last = ["/follow-up/delete", "/follow-up/logout", "/desk/logout", "/desk/logout-everywhere"];
    routes.sort_by_key(|r| last.iter().position(|l| l == r));
    let (legal, housing) = (&w.legal, &w.housing);
    for route in routes {
        let actions: Vec<&str> = match route {
            "/desk/cases/{id}" => CaseAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk" => QueueAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/team" => TeamAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/audit" => AuditPageAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/security" => SecurityAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/notifications" => NotifyAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/replies" => RepliesAction::ALL.iter().map(|a| a.as_str()).collect(),
            "/desk/embassies" => EmbassiesAction::ALL.iter().map(|a| a.as_str()).collect(),
            other => vec![other],
        };
        for action in actions {
            for c in CALLERS {
                let expected = post_row(action, c).unwrap_or_else(|| panic!("form route {route} ({action}) has no row in the authorisation matrix"));
                let (case, deadline) = fresh_case().await;
                let reference: String =
                    sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
                let target = app.add_person(&format!("t{}", uuid_suffix()), Role::Volunteer, Some(&w.pl.embassy_id), &[legal]).await;
                let case_path = format!("/desk/cases/{case}");
                let nobody = format!("nobody{}", uuid_suffix());
                let canned = app.canned_reply(&w.pl.embassy_id).await;
                let canned_path = format!("/desk/cases/{case}/canned");
                let spare_queue = if action == "queue-retire" { app.spare_queue(&w.pl.embassy_id).await } else { String::new() };
                let other_case = if action == "link" || action == "not-duplicate" { fresh_case().await.0 } else { String::new() };
                let general = w.pl.queue_for(None).to_owned();
                let (path, pairs): (&str, Vec<(&str, &str)>) = match action {
                    "note" | "reply" => (&case_path, vec![("body", "checking who may write")]),
                    "status" => (&case_path, vec![("status", "triaged")]),
                    "priority" => (&case_path, vec![("priority", "urgent")]),
                    "route" => (&case_path, vec![("queue", housing), ("categories", "housing")]),
                    "assign" => (&case_path, vec![("person", &w.vol_legal.id)]),
                    "link" | "not-duplicate" => (&case_path, vec![("other", &other_case)]),
                    "take" | "hand-back" => (&case_path, vec![]),
                    "deadline" => (&case_path, vec![("kind", "hearing"), ("due_on", "2030-02-01")]),
                    "deadline-done" => (&case_path, vec![("deadline", &deadline)]),
                    "take-next" => ("/desk", vec![]),
                    "/desk/find" => (action, vec![("reference", &reference)]),
                    "spam" => ("/desk", vec![("cases", &case)]),
                    "invite" => ("/desk/team", vec![("role", "volunteer"), ("embassy", &w.pl.embassy_id), ("queues", legal)]),
                    "embassy-create" => ("/desk/embassies", vec![("country", "BE")]),
                    "embassy-change" => ("/desk/embassies", vec![("embassy", &w.pl.embassy_id), ("zone", "Europe/Warsaw")]),
                    // Luxembourg is routed by the admin's post, then taken off by theirs.
                    "country-add" => ("/desk/embassies", vec![("embassy", &w.pl.embassy_id), ("country", "LU")]),
                    "country-remove" => ("/desk/embassies", vec![("embassy", &w.pl.embassy_id), ("country", "LU")]),
                    "queue-add" => ("/desk/embassies", vec![("embassy", &w.pl.embassy_id), ("name", "Appeals")]),
                    "queue-rename" => ("/desk/embassies", vec![("queue", housing), ("name", "Housing")]),
                    "queue-retire" => ("/desk/embassies", vec![("queue", &spare_queue), ("into", &general)]),
                    "sla" => ("/desk/team", vec![("embassy", &w.pl.embassy_id), ("urgent", "4"), ("high", "24"), ("normal", "72"), ("low", "120")]),
                    "deactivate" => ("/desk/team", vec![("person", &target)]),
                    "retention" => ("/desk/team", vec![("embassy", &w.pl.embassy_id), ("days", "400")]),
                    "insider" => ("/desk/team", vec![("embassy", &w.pl.embassy_id), ("threshold", "40")]),
                    "check" => ("/desk/audit", vec![]),
                    "/desk/cases/{id}/canned" => (&canned_path, vec![("canned", &canned), ("body", "checking who may")]),
                    "canned-add" => ("/desk/replies", vec![("embassy", &w.pl.embassy_id), ("language", "uk"), ("title", "t"), ("body", "b")]),
                    "canned-change" => ("/desk/replies", vec![("canned", &canned), ("language", "uk"), ("title", "t"), ("body", "b")]),
                    "canned-remove" => ("/desk/replies", vec![("canned", &canned)]),
                    "acknowledgement" => ("/desk/replies", vec![("embassy", &w.pl.embassy_id), ("acknowledge", "on"), ("ack_uk", "b")]),
                    "passkey-add" => ("/desk/security", vec![("name", "")]),
                    "notify-save" => ("/desk/notifications", vec![("email", ""), ("email_language", "en")]),
                    "notify-test" | "notify-remove" => ("/desk/notifications", vec![]),
                    "/follow-up/notify" => (action, vec![("notify", "off")]),
                    "passkey-remove" => ("/desk/security", vec![("passkey", "not-a-passkey")]),
                    "change" => ("/desk/team", vec![("person", &target), ("role", "volunteer"), ("queues", housing)]),
                    "/desk/join/{token}" => ("/desk/join/not-an-invitation", vec![("login", "x")]),
                    "/desk/reset/{token}" => ("/desk/reset/not-an-invitation", vec![("password", "x")]),
                    "reset" => ("/desk/team", vec![("person", &target)]),
                    "/desk/login" => (action, vec![("login", &nobody), ("password", "wrong wrong wrong")]),
                    other => (other, vec![]),
                };
                let mut pairs = pairs;
                if route != action {
                    pairs.insert(0, ("action", action));
                }
                let got = classify(&app.post(path, &pairs, cookie(c).as_deref()).await);
                check(format!("POST {action} as {c:?}"), got, expected);
            }
        }
    }
    assert!(failures.is_empty(), "authorisation matrix:\n{}", failures.join("\n"));
    // 15 server functions, 16 pages, 6 requester form routes, 10 desk form routes and 33
    // actions posted to desk pages.
    assert!(checked >= 9 * (15 + 16 + 6 + 10 + 33), "{checked} checks");
    eprintln!("authorisation matrix: {checked} checks");
}

fn uuid_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}
