//! What the embassies page receives: the embassies the reader keeps, with their names,
//! time zone, countries and queues.

use crate::api::{form::FormState, staff::MeDto};
use serde::{Deserialize, Serialize};

/// The embassies page. Countries are ISO 3166-1 codes; the page names them in the reader's
/// language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbassiesPageDto {
    pub me: MeDto,
    /// Admins: every embassy, the default desk first; leads: their own.
    pub embassies: Vec<EmbassyDto>,
    /// Admins: the countries no embassy takes yet, to open an embassy in or route; empty for
    /// leads.
    pub free_countries: Vec<String>,
    pub form: Option<FormState>,
}

/// One embassy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbassyDto {
    pub id: String,
    pub code: String,
    /// The country it is in (`ZZ` for the default desk).
    pub country: String,
    /// The default desk: it takes every country no embassy takes.
    pub is_default: bool,
    pub name_be: String,
    pub name_ru: String,
    pub name_en: String,
    /// IANA time zone of its desk.
    pub time_zone: String,
    /// The countries routed to it, by code.
    pub countries: Vec<String>,
    /// Its active queues, the general queue first.
    pub queues: Vec<EmbassyQueueDto>,
}

impl EmbassyDto {
    /// The name a reader of `language` sees (be and ru theirs, everyone else English).
    pub fn name_in(&self, language: &str) -> &str {
        match language {
            "be" => &self.name_be,
            "ru" => &self.name_ru,
            _ => &self.name_en,
        }
    }
}

/// One active queue of an embassy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbassyQueueDto {
    pub id: String,
    pub name: String,
    /// The category routed to it (`None`: the general queue, or a queue cases are moved to
    /// by hand).
    pub category: Option<String>,
    /// The general queue: it takes what no other queue does, and cannot be retired.
    pub general: bool,
    /// Cases in it, open or closed (retiring it moves them all).
    pub cases: i64,
    /// People who work it.
    pub members: i64,
}
