//! A form the server refused, as it reaches the page rendered again: the values as typed
//! and the rule each field broke.

use crate::domain::{NoticeCode, RuleCode};
use serde::{Deserialize, Serialize};

/// A form the server refused: the values as typed and the rule each field broke.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    /// Which form on the page (e.g. "note", "reply", "status", "login").
    pub form: String,
    /// Values as typed, never secrets (passwords and codes are not given back).
    pub values: Vec<(String, String)>,
    /// `(field, rule code)` pairs.
    pub errors: Vec<(String, RuleCode)>,
    /// A notice for the whole form.
    pub notice: Option<NoticeCode>,
}

impl FormState {
    pub fn value(&self, name: &str) -> String {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn error(&self, name: &str) -> Option<RuleCode> {
        self.errors.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// Set by a desk form handler when it renders its page again after a refused post.
#[derive(Clone, Debug)]
pub struct PostedForm(pub FormState);

#[cfg(feature = "ssr")]
pub fn posted_form() -> Option<FormState> {
    leptos::prelude::use_context::<PostedForm>().map(|p| p.0)
}
