//! Talking to the requester pages as a browser without JavaScript does: plain GETs and
//! form posts, cookies by hand.

use crate::helpers::TestApp;
use embassy_desk::server::db;

/// A form body from pairs (repeated names allowed).
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

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

pub struct Page {
    pub status: u16,
    pub body: String,
    pub set_cookies: Vec<String>,
    pub location: Option<String>,
}

impl Page {
    /// The value of the first `<input name=… value=…>` with this name.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\""))?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + 7;
        Some(html_unescape(&tag[v..v + tag[v..].find('"')?]))
    }

    /// Text of the element with this id (up to its first `<`).
    pub fn text_of(&self, id: &str) -> Option<String> {
        let at = self.body.find(&format!("id=\"{id}\""))?;
        let start = at + self.body[at..].find('>')? + 1;
        Some(html_unescape(&self.body[start..start + self.body[start..].find('<')?]))
    }

    /// The body without the markers hydration puts between pieces of text.
    pub fn text(&self) -> String {
        self.body.replace("<!>", "")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies.iter().find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or_default().to_owned()))
    }
}

/// Entities read back as the characters they stand for.
pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&")
}

async fn into_page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let set_cookies = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    Page { status, body: response.text().await.unwrap(), set_cookies, location }
}

/// GET with optional `Cookie` and `Accept-Language`.
pub async fn get(app: &TestApp, path: &str, cookie: Option<&str>, lang: Option<&str>) -> Page {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    into_page(req.send().await.unwrap()).await
}

/// A same-origin form post, as a browser sends it.
pub async fn post(app: &TestApp, path: &str, body: String, cookie: Option<&str>) -> Page {
    let mut req = app.client.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").header("sec-fetch-site", "same-origin").body(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    into_page(req.send().await.unwrap()).await
}

/// A fresh form token from the start page.
pub async fn form_token(app: &TestApp) -> String {
    get(app, "/", None, None).await.input_value("form_token").expect("the form carries a token")
}

/// Posts `fields` with a fresh token.
pub async fn submit(app: &TestApp, fields: &[(&str, String)]) -> Page {
    let token = form_token(app).await;
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("form_token", &token));
    post(app, "/", form_body(&pairs), None).await
}

/// Submits a valid form; returns the reference and code shown on the receipt.
pub async fn open_request(app: &TestApp) -> (String, String) {
    let page = submit(app, &valid_form()).await;
    assert_eq!(page.status, 201, "{}", page.body);
    (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap())
}

/// Signs in; returns the `Cookie` header value for the session.
pub async fn sign_in(app: &TestApp, reference: &str, code: &str) -> String {
    let page = post(app, "/follow-up", form_body(&[("reference", reference), ("code", code)]), None).await;
    assert_eq!(page.status, 303, "{}", page.body);
    format!("followup={}", page.cookie("followup").expect("session cookie"))
}

/// Creates the embassy for Poland (the default desk exists from start-up).
pub async fn add_polish_embassy(app: &TestApp) -> db::embassies::EmbassyQueues {
    let mut tx = app.state.db.begin().await.unwrap();
    let e = db::embassies::ensure(&mut tx, &app.state.keyring, "cli", "pl", "PL", "People's Embassy of Belarus in Poland", false).await.unwrap();
    tx.commit().await.unwrap();
    e
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.state.db.pool()).await.unwrap()
}
