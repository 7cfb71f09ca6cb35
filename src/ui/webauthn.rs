//! What only a browser running the WASM bundle can do for a passkey: ask the authenticator
//! (`navigator.credentials.create` or `.get`) with the options the server put in the page,
//! and hand its answer to the page's form as JSON, binary values in base64url, for an
//! ordinary form post. Without JavaScript (or WebAuthn) none of this runs: the passkey
//! form's button stays disabled and its note says why.

/// Ids of the parts of a passkey form (the form with id `form`): its submit button, the
/// hidden field the answer goes into, the note shown while passkeys cannot be used, and the
/// message shown when the authenticator gave no answer.
pub fn button_id(form: &str) -> String {
    format!("{form}-button")
}
pub fn credential_id(form: &str) -> String {
    format!("{form}-credential")
}
pub fn needs_script_id(form: &str) -> String {
    format!("{form}-needs-script")
}
pub fn failed_id(form: &str) -> String {
    format!("{form}-failed")
}

/// Makes the passkey form usable when the browser can do WebAuthn.
pub fn ready(form: &str) {
    imp::ready(form)
}

/// Asks the authenticator with `options` (JSON from the server: `create` for a new
/// passkey, else a sign-in) and posts the form with its answer.
pub fn ask_and_post(form: String, options: String, create: bool) {
    imp::ask_and_post(form, options, create)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding, as WebAuthn's JSON forms write binary values.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes of base64url text (padding and the standard alphabet's `+/` accepted too).
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut n, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        n = (n << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::{base64url, button_id, credential_id, failed_id, from_base64url, needs_script_id};
    use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array, JSON};
    use leptos::prelude::document;
    use wasm_bindgen::{JsCast, JsValue};

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn set(target: &JsValue, key: &str, value: &JsValue) {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    }

    fn set_hidden(id: &str, hidden: bool) {
        if let Some(element) = document().get_element_by_id(id) {
            let _ = element.toggle_attribute_with_force("hidden", hidden);
        }
    }

    fn set_disabled(id: &str, disabled: bool) {
        if let Some(element) = document().get_element_by_id(id) {
            let _ = element.toggle_attribute_with_force("disabled", disabled);
        }
    }

    /// `navigator.credentials`, where the browser has WebAuthn.
    fn credentials() -> Option<JsValue> {
        let global = js_sys::global();
        if get(&global, "PublicKeyCredential").is_undefined() {
            return None;
        }
        Some(get(&get(&global, "navigator"), "credentials")).filter(|c| c.is_object())
    }

    pub fn ready(form: &str) {
        if credentials().is_some() {
            set_hidden(&needs_script_id(form), true);
            set_disabled(&button_id(form), false);
        }
    }

    /// Replaces the base64url text at `key` of `target` with its bytes.
    fn to_buffer(target: &JsValue, key: &str) -> Option<()> {
        let bytes = from_base64url(&get(target, key).as_string()?)?;
        set(target, key, &Uint8Array::from(bytes.as_slice()).buffer());
        Some(())
    }

    /// The bytes of the ArrayBuffer at `key` of `source` as base64url text (null when absent).
    fn from_buffer(source: &JsValue, key: &str) -> JsValue {
        let value = get(source, key);
        if value.is_null() || value.is_undefined() {
            return JsValue::NULL;
        }
        JsValue::from_str(&base64url(&Uint8Array::new(&value).to_vec()))
    }

    /// The `publicKey` options of the server's JSON, binary values as buffers.
    fn public_key(options: &str, create: bool) -> Option<JsValue> {
        let public_key = get(&JSON::parse(options).ok()?, "publicKey");
        to_buffer(&public_key, "challenge")?;
        if create {
            to_buffer(&get(&public_key, "user"), "id")?;
        }
        let listed = get(&public_key, if create { "excludeCredentials" } else { "allowCredentials" });
        if let Ok(listed) = listed.dyn_into::<Array>() {
            for credential in listed.iter() {
                to_buffer(&credential, "id")?;
            }
        }
        Some(public_key)
    }

    /// The authenticator's answer as the server reads it.
    fn answer_json(credential: &JsValue, create: bool) -> Option<String> {
        let response = get(credential, "response");
        let answer = Object::new();
        set(&answer, "id", &get(credential, "id"));
        set(&answer, "rawId", &from_buffer(credential, "rawId"));
        set(&answer, "type", &get(credential, "type"));
        set(&answer, "extensions", &Object::new());
        let fields: &[&str] =
            if create { &["attestationObject", "clientDataJSON"] } else { &["authenticatorData", "clientDataJSON", "signature", "userHandle"] };
        let answered = Object::new();
        for field in fields {
            set(&answered, field, &from_buffer(&response, field));
        }
        set(&answer, "response", &answered);
        JSON::stringify(&answer).ok()?.as_string()
    }

    /// The browser's promise of a credential, asked with `public_key`.
    fn ask(credentials: &JsValue, public_key: &JsValue, create: bool) -> Option<Promise> {
        let method: Function = get(credentials, if create { "create" } else { "get" }).dyn_into().ok()?;
        let options = Object::new();
        set(&options, "publicKey", public_key);
        method.call1(credentials, &options).ok()?.dyn_into().ok()
    }

    pub fn ask_and_post(form: String, options: String, create: bool) {
        set_hidden(&failed_id(&form), true);
        set_disabled(&button_id(&form), true);
        leptos::task::spawn_local(async move {
            let answered = match (credentials(), public_key(&options, create)) {
                (Some(credentials), Some(public_key)) => match ask(&credentials, &public_key, create) {
                    Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|c| answer_json(&c, create)),
                    None => None,
                },
                _ => None,
            };
            let page = document();
            let field = page.get_element_by_id(&credential_id(&form));
            let target = page.get_element_by_id(&form).and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
            match (answered, field, target) {
                (Some(answer), Some(field), Some(target)) if field.set_attribute("value", &answer).is_ok() && target.submit().is_ok() => {}
                _ => {
                    set_hidden(&failed_id(&form), false);
                    set_disabled(&button_id(&form), false);
                }
            }
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn ready(_: &str) {}

    pub fn ask_and_post(_: String, _: String, _: bool) {}
}

#[cfg(test)]
mod tests {
    use super::{base64url, from_base64url};

    #[test]
    fn base64url_reads_back_what_it_writes() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(from_base64url("-_-_").unwrap(), vec![0xfb, 0xff, 0xbf]);
        assert_eq!(from_base64url("Zm8=").unwrap(), b"fo");
        assert_eq!(from_base64url("Zm9v!"), None);
        let all: Vec<u8> = (0..=255).collect();
        for n in 0..all.len() {
            assert_eq!(from_base64url(&base64url(&all[..n])).unwrap(), &all[..n]);
        }
    }
}
