//! Embassies in any country: an admin opens one for any ISO 3166-1 country, names it in
//! be/ru/en, sets its zone and routes more countries to it, and requests from those
//! countries reach it (the intake form lists them); leads keep their embassy's queues —
//! rename, add, retire with the cases moved. Every change is audited; refusals come back
//! next to the field with what was typed; others get 404.

use crate::{
    helpers::{valid_form, with, Page, SignedIn, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(an_admin_opens_an_embassy_anywhere_and_routes_countries_to_it, a_lead_renames_adds_and_retires_queues);

async fn post_embassies(app: &TestApp, who: &impl SignedIn, action: &str, fields: &[(&str, &str)]) -> Page {
    let mut pairs = vec![("action", action)];
    pairs.extend_from_slice(fields);
    app.post("/desk/embassies", &pairs, Some(who.cookie())).await
}

async fn one(app: &TestApp, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(app.state.db.pool()).await.unwrap()
}

/// The embassy the case with this reference went to, by code.
async fn embassy_of(app: &TestApp, reference: &str) -> String {
    one(app, &format!("SELECT e.code FROM cases c JOIN embassies e ON e.id = c.embassy_id WHERE c.reference = '{reference}'")).await
}

async fn an_admin_opens_an_embassy_anywhere_and_routes_countries_to_it(app: TestApp) {
    let w = World::build(&app).await;
    let page = app.get_desk(&w.admin, "/desk/embassies").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<option value=\"BE\">Belgium (BE)</option>"), "any country can get an embassy");
    assert!(!page.body.contains("<option value=\"PL\">"), "Poland has one already");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());

    // A typo in the zone: refused next to it, with the names typed kept.
    let refused =
        post_embassies(&app, &w.admin, "embassy-create", &[("country", "NL"), ("name_en", "Embassy in the Netherlands"), ("zone", "Europe/Amsterdamm")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"create-zone-error\""), "the reason is next to the zone");
    assert!(refused.body.contains("value=\"Embassy in the Netherlands\""), "the name typed is kept");
    assert_eq!(app.count("SELECT COUNT(*) FROM embassies WHERE code = 'nl'").await, 0, "nothing half-written");

    // Opened with the English name typed, the others and the zone the country's.
    let created = post_embassies(&app, &w.admin, "embassy-create", &[("country", "NL"), ("name_en", "Embassy in the Netherlands")]).await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location.as_deref(), Some("/desk/embassies?saved=embassy-create"));
    let nl = one(&app, "SELECT id FROM embassies WHERE code = 'nl'").await;
    assert_eq!(one(&app, "SELECT time_zone FROM embassies WHERE code = 'nl'").await, "Europe/Amsterdam");
    assert_eq!(one(&app, "SELECT name_be FROM embassies WHERE code = 'nl'").await, "Народнае пасольства Беларусі — Нідэрланды");
    assert_eq!(one(&app, "SELECT name_ru FROM embassies WHERE code = 'nl'").await, "Народное посольство Беларуси — Нидерланды");
    assert_eq!(app.audited("embassy.create", &nl).await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM queues WHERE embassy_id = '{nl}'")).await, 7, "a general queue and one per category");
    let again = post_embassies(&app, &w.admin, "embassy-create", &[("country", "NL")]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("id=\"create-country-error\""));

    // Belgium and Luxembourg go to the Netherlands' embassy.
    for country in ["BE", "LU"] {
        let routed = post_embassies(&app, &w.admin, "country-add", &[("embassy", &nl), ("country", country)]).await;
        assert_eq!(routed.status, 303, "{}", routed.body);
    }
    assert_eq!(app.audited("embassy.route", &nl).await, 2);
    // A country another embassy takes is refused, next to that embassy's field.
    let taken = post_embassies(&app, &w.admin, "country-add", &[("embassy", &w.lt.embassy_id), ("country", "BE")]).await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("id=\"embassy-lt-route-error\""), "the reason is next to Lithuania's country choice");
    assert_eq!(post_embassies(&app, &w.admin, "country-add", &[("embassy", &nl), ("country", "XX")]).await.status, 422);

    // The requester's form lists Belgium now, in the reader's language, and a request from
    // there reaches the embassy in the Netherlands.
    let form = app.get("/", None, Some("pl")).await;
    assert!(form.body.contains("<option value=\"BE\">Belgia</option>"), "the country list follows the routes");
    let opened = app.post_intake(&with(valid_form(), "country", "BE")).await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let reference = opened.text_of("receipt-reference").unwrap();
    assert_eq!(embassy_of(&app, &reference).await, "nl");
    let nl_legal = one(&app, &format!("SELECT id FROM queues WHERE embassy_id = '{nl}' AND category = 'legal_status'")).await;
    assert_eq!(one(&app, &format!("SELECT queue_id FROM cases WHERE reference = '{reference}'")).await, nl_legal);

    // Taken off again, Belgium's requests go to the default desk; the case already open stays.
    assert_eq!(post_embassies(&app, &w.admin, "country-remove", &[("embassy", &nl), ("country", "BE")]).await.status, 303);
    assert_eq!(app.audited("embassy.unroute", &nl).await, 1);
    assert_eq!(post_embassies(&app, &w.admin, "country-remove", &[("embassy", &nl), ("country", "BE")]).await.status, 404);
    let later = app.post_intake(&with(valid_form(), "country", "BE")).await;
    assert_eq!(embassy_of(&app, &later.text_of("receipt-reference").unwrap()).await, "intl");
    assert_eq!(embassy_of(&app, &reference).await, "nl");

    // Names and zone change; a name too long is refused and nothing changes.
    let long = "x".repeat(121);
    let too_long = post_embassies(&app, &w.admin, "embassy-change", &[("embassy", &nl), ("name_be", &long), ("zone", "Europe/Brussels")]).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("id=\"embassy-nl-name_be-error\""));
    assert_eq!(one(&app, "SELECT time_zone FROM embassies WHERE code = 'nl'").await, "Europe/Amsterdam");
    let changed =
        post_embassies(&app, &w.admin, "embassy-change", &[("embassy", &nl), ("name_be", "Пасольства ў Нідэрландах"), ("zone", "Europe/Brussels")]).await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(one(&app, "SELECT name_be FROM embassies WHERE code = 'nl'").await, "Пасольства ў Нідэрландах");
    assert_eq!(one(&app, "SELECT time_zone FROM embassies WHERE code = 'nl'").await, "Europe/Brussels");
    assert_eq!(app.audited("embassy.change", &nl).await, 1);
    let in_belarusian = app.get("/desk/embassies", Some(w.admin.cookie()), Some("be")).await;
    assert!(in_belarusian.body.contains("Пасольства ў Нідэрландах"), "a Belarusian reader sees the Belarusian name");
    // The desk's header names a person's embassy in their language too.
    let header = |lang| app.get("/desk", Some(w.lead_pl.cookie()), Some(lang));
    assert!(header("be").await.body.contains("Народнае пасольства Беларусі — Польшча"));
    assert!(header("ru").await.body.contains("Народное посольство Беларуси — Польша"));
    assert!(header("pl").await.body.contains("People's Embassy of Belarus in Poland"));

    // Leads keep queues, not embassies; volunteers see nothing.
    assert_eq!(post_embassies(&app, &w.lead_pl, "embassy-create", &[("country", "FR")]).await.status, 404);
    assert_eq!(post_embassies(&app, &w.lead_pl, "embassy-change", &[("embassy", &w.pl.embassy_id), ("zone", "UTC")]).await.status, 404);
    assert_eq!(post_embassies(&app, &w.lead_pl, "country-add", &[("embassy", &w.pl.embassy_id), ("country", "FR")]).await.status, 404);
    assert_eq!(post_embassies(&app, &w.lead_pl, "country-remove", &[("embassy", &w.pl.embassy_id), ("country", "PL")]).await.status, 404);
    assert_eq!(app.get_desk(&w.vol_legal, "/desk/embassies").await.status, 404);
    let lead_page = app.get_desk(&w.lead_pl, "/desk/embassies").await;
    assert_eq!(lead_page.status, 200);
    assert!(lead_page.body.contains("People's Embassy of Belarus in Poland") && !lead_page.body.contains("Embassy lt"), "a lead sees their own embassy");
    assert!(!lead_page.body.contains("embassy-create"), "and cannot open one");
    assert!(app.audit_chain().await.is_ok());
}

async fn a_lead_renames_adds_and_retires_queues(app: TestApp) {
    let w = World::build(&app).await;
    let pl = &w.pl;
    let general = pl.queue_for(None).to_owned();

    // Renamed.
    let renamed = post_embassies(&app, &w.lead_pl, "queue-rename", &[("queue", &w.legal), ("name", "Residence permits")]).await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    assert_eq!(one(&app, &format!("SELECT name FROM queues WHERE id = '{}'", w.legal)).await, "Residence permits");
    assert_eq!(app.audited("queue.rename", &w.legal).await, 1);
    let blank = post_embassies(&app, &w.lead_pl, "queue-rename", &[("queue", &w.legal), ("name", "  ")]).await;
    assert_eq!(blank.status, 422);
    assert!(blank.body.contains(&format!("id=\"queue-{}-name-error\"", w.legal)));

    // A category the housing queue takes cannot go to a new queue until that one retires.
    let taken = post_embassies(&app, &w.lead_pl, "queue-add", &[("embassy", &pl.embassy_id), ("name", "Shelter"), ("category", "housing")]).await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("id=\"embassy-pl-queue-category-error\"") && taken.body.contains("value=\"Shelter\""));

    // Retiring the housing queue moves its cases (open and closed) and its volunteer to the
    // general queue; the timeline and the audit trail of each case say so.
    let open = app.case_in(pl, Category::Housing, Priority::Normal, 1_700_000_000, "Open").await;
    let closed = app.case_in(pl, Category::Housing, Priority::Low, 1_700_000_100, "Closed").await;
    sqlx::query("UPDATE cases SET status = 'closed' WHERE id = $1").bind(&closed).execute(app.state.db.pool()).await.unwrap();
    let no_target = post_embassies(&app, &w.lead_pl, "queue-retire", &[("queue", &w.housing), ("into", "")]).await;
    assert_eq!(no_target.status, 422);
    assert!(no_target.body.contains(&format!("id=\"queue-{}-into-error\"", w.housing)));
    let foreign = post_embassies(&app, &w.lead_pl, "queue-retire", &[("queue", &w.housing), ("into", w.lt.queue_for(None))]).await;
    assert_eq!(foreign.status, 422, "another embassy's queue is no choice");
    assert_eq!(post_embassies(&app, &w.lead_lt, "queue-retire", &[("queue", &w.housing), ("into", &general)]).await.status, 404);
    let general_retired = post_embassies(&app, &w.lead_pl, "queue-retire", &[("queue", &general), ("into", &w.legal)]).await;
    assert_eq!(general_retired.status, 422);
    // The page offers no way to retire it; a forged post is refused and changes nothing.
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM queues WHERE id = '{general}' AND retired_at IS NULL")).await, 1);

    let retired = post_embassies(&app, &w.lead_pl, "queue-retire", &[("queue", &w.housing), ("into", &general)]).await;
    assert_eq!(retired.status, 303, "{}", retired.body);
    for case in [&open, &closed] {
        assert_eq!(one(&app, &format!("SELECT queue_id FROM cases WHERE id = '{case}'")).await, general);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_events WHERE case_id = '{case}' AND kind = 'queue' AND new_value = '{general}'")).await, 1);
        assert_eq!(app.audited("case.route", case).await, 1);
    }
    assert_eq!(app.audited("queue.retire", &w.housing).await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM queue_members WHERE queue_id = '{general}' AND person_id = '{}'", w.vol_housing.id)).await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM queue_members WHERE queue_id = '{}'", w.housing)).await, 0);
    // The volunteer still reaches the case they worked on, now in the general queue.
    assert_eq!(app.get_case(&w.vol_housing, &open).await.status, 200);
    // Gone from the page and from the choices; a second retire or a rename finds nothing.
    let page = app.get_desk(&w.lead_pl, "/desk/embassies").await;
    assert!(!page.body.contains(&format!("data-queue=\"{}\"", w.housing)));
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
    assert_eq!(post_embassies(&app, &w.lead_pl, "queue-rename", &[("queue", &w.housing), ("name", "Back")]).await.status, 404);
    assert_eq!(post_embassies(&app, &w.lead_pl, "queue-retire", &[("queue", &w.housing), ("into", &general)]).await.status, 404);
    let housing_only = with(with(valid_form(), "categories", "housing"), "country", "PL");
    let opened = app.post_intake(&housing_only).await;
    let reference = opened.text_of("receipt-reference").unwrap();
    assert_eq!(one(&app, &format!("SELECT queue_id FROM cases WHERE reference = '{reference}'")).await, general, "housing requests go to the general queue");

    // A new queue takes the category; the next housing request goes there.
    let added = post_embassies(&app, &w.lead_pl, "queue-add", &[("embassy", &pl.embassy_id), ("name", "Shelter"), ("category", "housing")]).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let shelter = one(&app, &format!("SELECT id FROM queues WHERE embassy_id = '{}' AND name = 'Shelter'", pl.embassy_id)).await;
    assert_eq!(app.audited("queue.add", &shelter).await, 1);
    let next = app.post_intake(&housing_only).await;
    let next_reference = next.text_of("receipt-reference").unwrap();
    assert_eq!(one(&app, &format!("SELECT queue_id FROM cases WHERE reference = '{next_reference}'")).await, shelter);
    // Another embassy's lead cannot add to Poland; an admin can.
    assert_eq!(post_embassies(&app, &w.lead_lt, "queue-add", &[("embassy", &pl.embassy_id), ("name", "x")]).await.status, 404);
    assert_eq!(post_embassies(&app, &w.admin, "queue-add", &[("embassy", &pl.embassy_id), ("name", "Appeals")]).await.status, 303);
    assert!(app.audit_chain().await.is_ok());
}
