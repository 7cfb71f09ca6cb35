//! Requests as a browser without JavaScript sends them — plain GETs and same-origin form
//! posts, cookies by hand — and the page that comes back.

use super::TestApp;

/// What came back: status, body, the cookies set and where a redirect points.
pub struct Page {
    pub status: u16,
    pub body: String,
    pub set_cookies: Vec<String>,
    pub location: Option<String>,
}

impl Page {
    /// The `id` attributes that occur more than once (a label, an anchor or an error would
    /// point at the wrong element).
    pub fn duplicate_ids(&self) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut twice = Vec::new();
        for (at, _) in self.body.match_indices(" id=\"") {
            let id = self.body[at + 5..].split('"').next().unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                twice.push(id);
            }
        }
        twice
    }

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

    /// The `Cookie` header of the desk session this page set.
    pub fn desk_cookie(&self) -> String {
        format!("desk={}", self.cookie("desk").expect("desk session cookie"))
    }
}

/// Entities read back as the characters they stand for.
pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&")
}

/// A form body from pairs (repeated names allowed).
fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub(super) async fn into_page(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let set_cookies = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    Page { status, body: response.text().await.unwrap(), set_cookies, location }
}

impl TestApp {
    /// GET with optional `Cookie` and `Accept-Language`.
    pub async fn get(&self, path: &str, cookie: Option<&str>, lang: Option<&str>) -> Page {
        let mut req = self.client.get(self.url(path));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        into_page(req.send().await.unwrap()).await
    }

    /// A same-origin form post of `pairs`, as a browser sends it.
    pub async fn post(&self, path: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Page {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(form_body(pairs));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        into_page(req.send().await.unwrap()).await
    }

    /// The one number a `SELECT COUNT(*) …` answers.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(self.state.db.pool()).await.unwrap()
    }
}
