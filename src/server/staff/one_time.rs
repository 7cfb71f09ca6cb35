//! One-time links — invitations and password resets: a random token of which only the keyed
//! tag is stored (a copy of the table opens nothing), found by its tags under every key of
//! the keyring while it is unused and unexpired, and spent once, in the transaction that
//! acts on it.

use crate::server::{
    crypto::{random_token, Keyring},
    db::{now, placeholder_list, tag_args, Arg, DbError, Tx},
};

/// The tables that hold one-time links, each with the columns `token_hash`, `expires_at`
/// and `used_at`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LinkTable {
    Invitations,
    PasswordResets,
}

impl LinkTable {
    const fn name(self) -> &'static str {
        match self {
            LinkTable::Invitations => "invitations",
            LinkTable::PasswordResets => "password_resets",
        }
    }
}

/// A new link's token (for the link, shown once) and the tag to store in its place.
pub(crate) fn new_token(keyring: &Keyring) -> (String, Vec<u8>) {
    let token = random_token();
    let tag = keyring.token_tag(&token);
    (token, tag)
}

/// The condition that the row of `alias` (e.g. `"i."`, or `""`) is the live link of `token`,
/// with its arguments numbered from `$1`: a query adds its own after them.
pub(crate) fn live_condition(keyring: &Keyring, alias: &str, token: &str) -> (String, Vec<Arg>) {
    let mut args = tag_args(keyring.token_tags(token));
    let condition =
        format!("{alias}token_hash IN ({}) AND {alias}used_at IS NULL AND {alias}expires_at > ${}", placeholder_list(1, args.len()), args.len() + 1);
    args.push(Arg::Int(now()));
    (condition, args)
}

/// Spends the link stored as `tag`: `false` when it was spent, or expired, in the meantime
/// (the caller then acts on nothing).
pub(crate) async fn spend(tx: &mut Tx, table: LinkTable, tag: &[u8]) -> Result<bool, DbError> {
    let sql = format!("UPDATE {} SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2", table.name());
    Ok(sqlx::query(&sql).bind(tag).bind(now()).execute(&mut **tx).await?.rows_affected() == 1)
}
