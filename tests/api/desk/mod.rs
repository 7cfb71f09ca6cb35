//! The volunteer desk over HTTP, as a browser without JavaScript uses it, one file per flow:
//! invitations and sign-in with a second factor, sessions, scope, queues with keyset pages,
//! deadlines, take-next under concurrency, notes and replies, status changes, assignments
//! and the audit trail of all of it.

mod assignments;
mod canned;
mod case_view;
mod deadlines;
mod find;
mod invitations;
mod passkeys;
mod queue;
mod queue_rows;
mod replies;
mod scope;
mod sessions;
mod side_by_side;
mod sign_in;
mod spam;
mod status;
mod take_next;
