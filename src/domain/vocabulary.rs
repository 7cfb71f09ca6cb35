//! The desk's vocabularies, each an enum defined once: what a form post asks for, what a
//! case's timeline records, what the audit log records, the kinds of deadline, and the
//! codes of a refused form. Each value is stored or posted as its short name; a match on
//! one of these enums is exhaustive wherever it is translated or handled, so a new value
//! does not compile until every place that must know about it does.

use serde::{Deserialize, Serialize};

/// Defines an enum whose values have a fixed name on the wire or in storage: `ALL` in
/// order, `as_str` and `parse`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in the order forms and filters offer them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value's name as it is posted or stored.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The value with this name, if there is one.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A change posted to a case page (the form's `action` field).
    pub enum CaseAction {
        Note = "note",
        Reply = "reply",
        Status = "status",
        Priority = "priority",
        Route = "route",
        Assign = "assign",
        Take = "take",
        HandBack = "hand-back",
        Deadline = "deadline",
        DeadlineDone = "deadline-done",
        /// Link the case with another of the same person (leads and admins).
        Link = "link",
        /// A possible duplicate is another person's request: no longer listed (leads and admins).
        NotDuplicate = "not-duplicate",
    }
}

vocabulary! {
    /// A change posted to the queue page.
    pub enum QueueAction {
        TakeNext = "take-next",
        Spam = "spam",
    }
}

vocabulary! {
    /// A change posted to the team page.
    pub enum TeamAction {
        Invite = "invite",
        Sla = "sla",
        Deactivate = "deactivate",
        Change = "change",
        Retention = "retention",
        Reset = "reset",
        Insider = "insider",
    }
}

vocabulary! {
    /// What a post to the embassies page changes (field `action`).
    pub enum EmbassiesAction {
        Create = "embassy-create",
        Change = "embassy-change",
        CountryAdd = "country-add",
        CountryRemove = "country-remove",
        QueueAdd = "queue-add",
        QueueRename = "queue-rename",
        QueueRetire = "queue-retire",
    }
}

vocabulary! {
    /// A change posted to the canned replies page (an embassy's standard texts).
    pub enum RepliesAction {
        Add = "canned-add",
        Change = "canned-change",
        Remove = "canned-remove",
        /// The automatic acknowledgement: on or off, and its text in each language.
        Acknowledgement = "acknowledgement",
    }
}

vocabulary! {
    /// A change posted to the security page (a person's own second factors).
    pub enum SecurityAction {
        PasskeyAdd = "passkey-add",
        PasskeyRemove = "passkey-remove",
    }
}

vocabulary! {
    /// A change posted to the notifications page (a person's own e-mail notifications).
    pub enum NotifyAction {
        Save = "notify-save",
        Remove = "notify-remove",
        Test = "notify-test",
    }
}

vocabulary! {
    /// What a person may be told by e-mail, in the order the notifications page offers them.
    pub enum NotifyKind {
        /// A new request in one of their queues (leads: their embassy's).
        NewCase = "new_case",
        /// A requester answered on a case assigned to them.
        Answered = "answered",
        /// A case was assigned to them by someone else.
        Assigned = "assigned",
        /// A deadline of a case assigned to them is due within 48 hours.
        DeadlineNear = "deadline_near",
        /// A request of their embassy is past its first-response time (leads).
        Overdue = "overdue",
    }
}

impl NotifyKind {
    /// The notifications page's field that posts this kind's mode.
    pub const fn mode_field(self) -> &'static str {
        match self {
            NotifyKind::NewCase => "mode_new_case",
            NotifyKind::Answered => "mode_answered",
            NotifyKind::Assigned => "mode_assigned",
            NotifyKind::DeadlineNear => "mode_deadline_near",
            NotifyKind::Overdue => "mode_overdue",
        }
    }
}

vocabulary! {
    /// When a kind of notification is sent: at once, in the daily digest, or never.
    pub enum NotifyMode {
        Now = "now",
        Digest = "digest",
        Off = "off",
    }
}

vocabulary! {
    /// A change posted to the audit page.
    pub enum AuditPageAction {
        Check = "check",
    }
}

vocabulary! {
    /// An entry of a case's clear timeline (`case_events.kind`): what changed, with the old
    /// and new value beside it.
    pub enum EventKind {
        Status = "status",
        Priority = "priority",
        Queue = "queue",
        Categories = "categories",
        Assignee = "assignee",
        Deadline = "deadline",
        DeadlineDone = "deadline_done",
        /// Closed as spam (old: the status it had; new: `closed`).
        Spam = "spam",
        /// Linked with another case (new: the other case's id).
        Link = "link",
    }
}

vocabulary! {
    /// A kind of dated deadline, in the order the form offers them.
    pub enum DeadlineKind {
        Appeal = "appeal",
        PermitExpiry = "permit_expiry",
        DocumentExpiry = "document_expiry",
        HousingEnd = "housing_end",
        Hearing = "hearing",
        Other = "other",
    }
}

vocabulary! {
    /// What the audit log records (`audit_log.action`), in the order the viewer's filter
    /// offers them.
    pub enum AuditAction {
        CaseOpen = "case.open",
        CaseView = "case.view",
        CaseList = "case.list",
        /// A case looked up by its reference (the desk's find box).
        CaseFind = "case.find",
        /// Two cases linked as the same person's (one row for each case).
        CaseLink = "case.link",
        /// A possible duplicate marked as another person's (one row for each case).
        CaseNotDuplicate = "case.not_duplicate",
        CaseThreadView = "case.thread.view",
        CaseNoteAdd = "case.note.add",
        CaseReplyVolunteer = "case.reply.volunteer",
        CaseReplyRequester = "case.reply.requester",
        CaseInformationAdd = "case.information.add",
        /// The embassy's automatic acknowledgement posted to a new case's thread.
        CaseAcknowledge = "case.acknowledge",
        /// Documents sent by the requester or attached by a volunteer (one row per document).
        CaseDocumentAdd = "case.document.add",
        /// A document downloaded or previewed (one row per document).
        CaseDocumentDownload = "case.document.download",
        CaseStatus = "case.status",
        CasePriority = "case.priority",
        CaseRoute = "case.route",
        CaseAssign = "case.assign",
        CaseUnassign = "case.unassign",
        CaseTake = "case.take",
        CaseTakeNext = "case.take_next",
        CaseHandBack = "case.hand_back",
        CaseDeadlineAdd = "case.deadline.add",
        CaseDeadlineDone = "case.deadline.done",
        CaseSpam = "case.spam",
        CaseDeleteRequester = "case.delete.requester",
        CasePurge = "case.purge",
        CaseSeed = "case.seed",
        ReceiptVerify = "receipt.verify",
        LoginPassword = "login.password",
        LoginTotp = "login.totp",
        TotpEnrol = "totp.enrol",
        LoginPasskey = "login.passkey",
        PersonPasskeyAdd = "person.passkey_add",
        PersonPasskeyRemove = "person.passkey_remove",
        SessionEndAll = "session.end_all",
        InvitationCreateVolunteer = "invitation.create.volunteer",
        InvitationCreateLead = "invitation.create.lead",
        InvitationCreateAdmin = "invitation.create.admin",
        InvitationAccept = "invitation.accept",
        PersonCreate = "person.create",
        PersonDeactivate = "person.deactivate",
        PersonRole = "person.role",
        PersonQueues = "person.queues",
        PersonPasswordChange = "person.password_change",
        PersonReset = "person.reset",
        PersonResetAccept = "person.reset.accept",
        EmbassyCreate = "embassy.create",
        EmbassySettings = "embassy.settings",
        EmbassyRetention = "embassy.retention",
        /// An embassy's names or time zone changed.
        EmbassyChange = "embassy.change",
        /// A country routed to an embassy, or taken off it.
        EmbassyRoute = "embassy.route",
        EmbassyUnroute = "embassy.unroute",
        QueueAdd = "queue.add",
        QueueRename = "queue.rename",
        /// A queue retired, its cases moved to another queue of the embassy.
        QueueRetire = "queue.retire",
        /// The automatic acknowledgement switched or its texts changed.
        EmbassyAcknowledgement = "embassy.acknowledgement",
        CannedAdd = "canned.add",
        CannedChange = "canned.change",
        CannedRemove = "canned.remove",
        DashboardExport = "dashboard.export",
        AuditCheck = "audit.check",
        KeyAdd = "key.add",
        KeyRewrap = "key.rewrap",
        KeyRetire = "key.retire",
        AuditView = "audit.view",
        /// A person's e-mail address or notification choices changed.
        PersonNotifications = "person.notifications",
        /// A requester asked for, or stopped, "there is a new message" by e-mail.
        CaseNotifyChoice = "case.notify.choice",
        /// The requester's address opened to send them "there is a new message".
        CaseNotifyRequester = "case.notify.requester",
    }
}

vocabulary! {
    /// How a purged case ended (`past_cases.outcome`): resolved, closed without a
    /// resolution, withdrawn (deleted by its requester), or closed as spam.
    pub enum PastOutcome {
        Resolved = "resolved",
        Closed = "closed",
        Withdrawn = "withdrawn",
        Spam = "spam",
    }
}

vocabulary! {
    /// Why a field of a desk form was refused, shown next to the field.
    pub enum RuleCode {
        Required = "required",
        TooLong = "too_long",
        TooShort = "too_short",
        Common = "common",
        ContainsLogin = "contains_login",
        Mismatch = "mismatch",
        LoginShape = "login_shape",
        LoginTaken = "login_taken",
        InvalidChoice = "invalid_choice",
        InvalidDate = "invalid_date",
        DateInPast = "date_in_past",
        NotAllowed = "not_allowed",
        OutOfRange = "out_of_range",
        AfterEnd = "after_end",
        RangeTooLong = "range_too_long",
        NotANumber = "not_a_number",
        ControlCharacters = "control_characters",
        CodeWrong = "code_wrong",
        TooManyAttempts = "too_many_attempts",
        WrongPassword = "wrong_password",
        LastAdmin = "last_admin",
        TooManyFiles = "too_many_files",
        FileTooLarge = "file_too_large",
        FileType = "file_type",
        FileUnreadable = "file_unreadable",
        CaseFull = "case_full",
        DiskFull = "disk_full",
        /// No case with this reference in the caller's scope (or none at all).
        UnknownReference = "unknown_reference",
        /// Not a reference's shape.
        ReferenceShape = "reference_shape",
        /// The country already has an embassy, or is routed to another one.
        CountryTaken = "country_taken",
        /// Another queue of the embassy already takes this category.
        CategoryTaken = "category_taken",
        /// The general queue takes what no other queue does: it cannot be retired.
        GeneralQueue = "general_queue",
        /// Not opening hours of a day (`09:00-17:00`, opening before closing).
        TimeRange = "time_range",
        /// Business hours with no day open.
        NoHours = "no_hours",
        /// Not an e-mail address.
        EmailShape = "email_shape",
    }
}

vocabulary! {
    /// What a desk form says as a whole, above its fields.
    pub enum NoticeCode {
        NotRecognised = "not_recognised",
        TooManyAttempts = "too_many_attempts",
        CodeWrong = "code_wrong",
        SessionEnded = "session_ended",
        NothingToTake = "nothing_to_take",
        NotAllowed = "not_allowed",
        LastAdmin = "last_admin",
        Saved = "saved",
        CodeWithPassword = "code_with_password",
        Busy = "busy",
        /// Spam: no case was chosen.
        NothingChosen = "nothing_chosen",
        /// Spam: more cases than one post may close.
        TooManyChosen = "too_many_chosen",
        /// Spam: a chosen case was answered or is no longer open.
        NotJunk = "not_junk",
        PasskeyRefused = "passkey_refused",
        LastFactor = "last_factor",
    }
}

impl AuditAction {
    /// Making an invitation for `role`.
    pub const fn invitation_of(role: crate::domain::Role) -> Self {
        match role {
            crate::domain::Role::Volunteer => AuditAction::InvitationCreateVolunteer,
            crate::domain::Role::Lead => AuditAction::InvitationCreateLead,
            crate::domain::Role::Admin => AuditAction::InvitationCreateAdmin,
        }
    }
}

impl RuleCode {
    /// The desk's code for a rule of the requester's forms that a desk text broke too.
    pub fn of_rule(rule: crate::domain::intake::Rule) -> Self {
        use crate::domain::intake::Rule;
        match rule {
            Rule::Required => RuleCode::Required,
            Rule::TooLong => RuleCode::TooLong,
            Rule::ControlCharacters => RuleCode::ControlCharacters,
            Rule::TooManyFiles => RuleCode::TooManyFiles,
            Rule::FileTooLarge => RuleCode::FileTooLarge,
            Rule::FileType => RuleCode::FileType,
            Rule::FileUnreadable => RuleCode::FileUnreadable,
            Rule::CaseFull => RuleCode::CaseFull,
            Rule::DiskFull => RuleCode::DiskFull,
            _ => RuleCode::InvalidChoice,
        }
    }
}

impl NoticeCode {
    /// Whether the notice reports success rather than a problem.
    pub const fn is_good(self) -> bool {
        matches!(self, NoticeCode::Saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_value() {
        for a in CaseAction::ALL {
            assert_eq!(CaseAction::parse(a.as_str()), Some(*a));
        }
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
        }
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(*k));
        }
        for r in RuleCode::ALL {
            assert_eq!(RuleCode::parse(&r.to_string()), Some(*r));
        }
        assert_eq!(DeadlineKind::parse("permit_expiry"), Some(DeadlineKind::PermitExpiry));
        assert_eq!(CaseAction::parse("hand-back"), Some(CaseAction::HandBack));
        assert_eq!(CaseAction::parse("drop-table"), None);
    }

    #[test]
    fn names_are_unique() {
        let names: std::collections::HashSet<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
        let names: std::collections::HashSet<_> = CaseAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), CaseAction::ALL.len());
    }
}
