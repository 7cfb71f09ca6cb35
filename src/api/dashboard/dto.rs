//! What the dashboard pages receive and send: data made for the client, nothing internal.

use crate::api::{form::FormState, staff::MeDto};
use crate::domain::{percent_encode, Category, Role, Status};
use serde::{Deserialize, Serialize};

/// What the dashboard counts, as the address gives it. Empty means "all" (embassy,
/// queue) or the default range (the last 12 weeks up to today).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFilter {
    pub embassy: Option<String>,
    pub queue: Option<String>,
    /// `YYYY-MM-DD`, first day included.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, last day included.
    pub to: Option<String>,
}

impl DashboardFilter {
    /// The filter as a query string (`embassy=…&queue=…&from=…&to=…`), empty fields left out.
    pub fn query(&self) -> String {
        [("embassy", &self.embassy), ("queue", &self.queue), ("from", &self.from), ("to", &self.to)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", percent_encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceDto {
    pub id: String,
    pub name: String,
}

/// A queue's open cases by status, and its unassigned backlog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLoadDto {
    pub id: String,
    pub name: String,
    pub embassy: String,
    /// Open statuses only, in `Status::ALL` order.
    pub by_status: Vec<(Status, i64)>,
    pub open: i64,
    pub unassigned: i64,
    /// Whole days since the oldest unassigned case was opened.
    pub oldest_unassigned_days: Option<i64>,
}

/// A week of the chart: its Monday and the cases opened and resolved that week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekDto {
    /// `YYYY-MM-DD`.
    pub monday: String,
    pub opened: i64,
    pub resolved: i64,
}

/// A median over the cases that got their first response (or were resolved) in a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedianDto {
    pub window_days: i64,
    pub cases: i64,
    pub seconds: Option<i64>,
}

/// One person's load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadDto {
    /// The person's id, for the link to their cases.
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy: String,
    pub open: i64,
    pub overdue: i64,
    pub last_activity_at: Option<i64>,
    pub last_login_at: Option<i64>,
    pub threshold: i64,
    pub overloaded: bool,
}

/// An hour of the intake chart: its start (UTC seconds) and the cases opened in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourDto {
    pub start: i64,
    pub opened: i64,
}

/// A person who opened more cases in the last hour than their embassy's threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsiderDto {
    pub login: String,
    pub role: Role,
    pub embassy: String,
    /// Distinct cases opened in the last hour.
    pub opened: i64,
    pub threshold: i64,
    /// The audit log filtered to this person's case openings since an hour ago.
    pub audit_href: String,
}

/// The dashboard page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardDto {
    pub me: MeDto,
    /// The filter as asked; a bad date keeps what was typed, with its error.
    pub filter: DashboardFilter,
    pub form: Option<FormState>,
    pub embassies: Vec<ChoiceDto>,
    /// Queues of the counted embassies, named with their embassy.
    pub queues: Vec<ChoiceDto>,
    /// The range counted, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    pub by_queue: Vec<QueueLoadDto>,
    pub open: i64,
    pub unassigned: i64,
    pub oldest_unassigned_days: Option<i64>,
    pub weeks: Vec<WeekDto>,
    pub first_response: Vec<MedianDto>,
    pub resolution: Vec<MedianDto>,
    pub overdue: i64,
    pub deadlines_soon: i64,
    pub workload: Vec<WorkloadDto>,
    pub categories: Vec<(Category, i64)>,
    /// Cases opened per hour over the last 48 hours, oldest first.
    pub intake: Vec<HourDto>,
    /// People who opened more cases in the last hour than their embassy allows.
    pub insiders: Vec<InsiderDto>,
}
