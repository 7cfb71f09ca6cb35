//! What a queue row says, in the reader's language: reference, name (escaped, never
//! markup), category, priority, status, age, the first response's due time and lateness,
//! and who holds the case.

use crate::{
    helpers::{html_unescape, now, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(queue_rows_say_everything_in_the_readers_language);

const DAY: i64 = 86_400;

/// The text of the queue row that links to this case: tags dropped, spaces collapsed,
/// entities read back.
fn row_text(body: &str, case_id: &str) -> String {
    let at = body.find(&format!("/desk/cases/{case_id}\"")).expect("the case has a row");
    let start = body[..at].rfind("<tr").unwrap();
    let end = at + body[at..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    html_unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A due time as the queue page writes it in `lang`: in Warsaw's time, the zone named.
fn due(at: i64, lang: &str) -> String {
    use embassy_desk::domain::service_hours;
    let zone = service_hours::zone("Europe/Warsaw");
    let (year, month, day, hour, minute) = service_hours::local(&zone, at);
    let months: serde_json::Value = serde_json::from_str(match lang {
        "be" => include_str!("../../../locales/be.json"),
        _ => include_str!("../../../locales/en.json"),
    })
    .unwrap();
    let month = months["month"][format!("m{month}")].as_str().unwrap().to_owned();
    let time = format!("{hour:02}:{minute:02}");
    let label = service_hours::zone_label(&zone, at);
    match lang {
        "be" => format!("{day} {month} {year} г., {time} {label}"),
        _ => format!("{day} {month} {year}, {time} {label}"),
    }
}

async fn queue_rows_say_everything_in_the_readers_language(app: TestApp) {
    let w = World::build(&app).await;
    if now() % DAY > DAY - 60 {
        // Ages count calendar days: stay clear of midnight.
        tokio::time::sleep(std::time::Duration::from_secs((DAY + 1 - now() % DAY) as u64)).await;
    }
    let today = now() - now() % DAY;
    let created = today - 3 * DAY + 3600;
    let fresh_at = now();
    // Urgent: its first response was due four hours after it came.
    let late = app.case_in(&w.pl, Category::LegalStatus, Priority::Urgent, created, "<b>Ганна</b> & Co").await;
    sqlx::query("UPDATE cases SET assignee_id = $2 WHERE id = $1").bind(&late).bind(&w.vol_legal.id).execute(app.state.db.pool()).await.unwrap();
    let fresh = app.case_in(&w.pl, Category::Housing, Priority::Normal, fresh_at, "Барыс").await;
    let (late_ref, fresh_ref) = (app.reference_of(&late).await, app.reference_of(&fresh).await);
    let late_due = created + 4 * 3600;
    let fresh_due = fresh_at + 72 * 3600;

    let en = app.get_queue(&w.lead_pl).await;
    assert_eq!(en.status, 200);
    assert!(en.body.contains("&lt;b&gt;Ганна&lt;/b&gt; &amp; Co"), "the name is escaped, never markup");
    assert!(!en.text().contains("<b>Ганна"));
    assert_eq!(row_text(&en.body, &late), format!("{late_ref} <b>Ганна</b> & Co Legal status Urgent New 3 days Overdue {} vol.legal", due(late_due, "en")));
    assert_eq!(row_text(&en.body, &fresh), format!("{fresh_ref} Барыс Housing Normal New Today {} Unassigned", due(fresh_due, "en")));
    assert!(en.body.contains(r#"<tr class="overdue">"#), "overdue rows are marked for the eye too");

    let be = app.get("/desk", Some(&w.lead_pl.cookie), Some("be")).await;
    assert_eq!(
        row_text(&be.body, &late),
        format!("{late_ref} <b>Ганна</b> & Co Прававы статус Тэрмінова Новы 3 дні Пратэрмінавана {} vol.legal", due(late_due, "be"))
    );
    assert!(row_text(&be.body, &fresh).ends_with("Без выканаўцы"));
}
