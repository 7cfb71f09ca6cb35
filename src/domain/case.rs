//! The clear vocabulary of a case: its status and allowed transitions, the kind of help
//! asked for, and how urgent it is. These are stored in clear because routing and
//! dashboards need them; everything a person wrote is sealed elsewhere.

use serde::{Deserialize, Serialize};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    New,
    Triaged,
    InProgress,
    WaitingForRequester,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [Status::New, Status::Triaged, Status::InProgress, Status::WaitingForRequester, Status::Resolved, Status::Closed];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Triaged => "triaged",
            Status::InProgress => "in_progress",
            Status::WaitingForRequester => "waiting",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the case still needs work (counts towards backlog and SLA).
    pub const fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The workflow: new → triaged → in progress ⇄ waiting for requester → resolved → closed;
    /// resolved and closed cases may be reopened (back to in progress).
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (New, Triaged)
                | (New, InProgress)
                | (New, Closed)
                | (Triaged, InProgress)
                | (Triaged, Closed)
                | (InProgress, WaitingForRequester)
                | (InProgress, Resolved)
                | (WaitingForRequester, InProgress)
                | (WaitingForRequester, Resolved)
                | (Resolved, Closed)
                | (Resolved, InProgress)
                | (Closed, InProgress)
        )
    }
}

/// Whether a case may be closed as spam: still open and never answered by the desk. Junk is
/// closed before anyone works on it; an answered case is closed the ordinary way. So a spam
/// case never has a first response or a resolution, and never enters the dashboard's medians.
pub fn may_be_spam(status: Status, answered: bool) -> bool {
    status.is_open() && !answered
}

/// The kind of help a requester asks for; a case may carry several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    LegalStatus,
    Documents,
    Housing,
    Work,
    Medical,
    UrgentMoney,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] =
        [Category::LegalStatus, Category::Documents, Category::Housing, Category::Work, Category::Medical, Category::UrgentMoney, Category::Other];

    pub const fn as_str(self) -> &'static str {
        match self {
            Category::LegalStatus => "legal_status",
            Category::Documents => "documents",
            Category::Housing => "housing",
            Category::Work => "work",
            Category::Medical => "medical",
            Category::UrgentMoney => "urgent_money",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// How urgent a case is. Stored as a small integer so that "most urgent first" is an
/// ascending sort that an index serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    Urgent = 0,
    High = 1,
    Normal = 2,
    Low = 3,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Urgent, Priority::High, Priority::Normal, Priority::Low];

    pub const fn rank(self) -> i64 {
        self as i64
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.rank() == rank)
    }

    /// The desk's default first-response target, in hours.
    pub const fn first_response_hours(self) -> i64 {
        match self {
            Priority::Urgent => 4,
            Priority::High => 24,
            Priority::Normal => 72,
            Priority::Low => 120,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::from_rank(p.rank()), Some(p));
        }
        assert_eq!(Status::parse("deleted"), None);
    }

    #[test]
    fn workflow_moves_forward_and_allows_reopen() {
        assert!(Status::New.can_become(Status::Triaged));
        assert!(Status::InProgress.can_become(Status::WaitingForRequester));
        assert!(Status::WaitingForRequester.can_become(Status::InProgress));
        assert!(Status::Closed.can_become(Status::InProgress));
        assert!(!Status::New.can_become(Status::Resolved));
        assert!(!Status::Closed.can_become(Status::New));
        for s in Status::ALL {
            assert!(!s.can_become(s), "{s:?} to itself is not a change");
        }
    }

    #[test]
    fn only_open_unanswered_cases_may_be_spam() {
        assert!(may_be_spam(Status::New, false));
        assert!(may_be_spam(Status::InProgress, false));
        assert!(!may_be_spam(Status::New, true), "answered");
        assert!(!may_be_spam(Status::Closed, false));
        assert!(!may_be_spam(Status::Resolved, false));
    }

    #[test]
    fn only_resolved_and_closed_are_not_open() {
        let open: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 4);
        assert!(!Status::Resolved.is_open() && !Status::Closed.is_open());
    }
}
