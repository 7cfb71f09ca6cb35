//! What shows a flood or an insider: the hours the queue's "opened within" filter offers,
//! and each embassy's insider threshold (distinct cases a person may open in an hour
//! before the dashboard flags them), as typed on the team page.

use crate::domain::RuleCode;
use std::ops::RangeInclusive;

/// The hours the queue page's "opened within" filter offers.
pub const OPENED_WITHIN_HOURS: [i64; 4] = [1, 6, 24, 48];

/// `hours` if the filter offers it.
pub fn opened_within(hours: &str) -> Option<i64> {
    hours.trim().parse().ok().filter(|h| OPENED_WITHIN_HOURS.contains(h))
}

/// The values an insider threshold may take.
pub const INSIDER_THRESHOLD: RangeInclusive<i64> = 1..=10_000;

/// The threshold as typed: a whole number in [`INSIDER_THRESHOLD`].
pub fn parse_insider_threshold(text: &str) -> Result<i64, RuleCode> {
    match text.trim() {
        "" => Err(RuleCode::Required),
        text => match text.parse::<i64>() {
            Ok(n) if INSIDER_THRESHOLD.contains(&n) => Ok(n),
            Ok(_) => Err(RuleCode::OutOfRange),
            Err(_) => Err(RuleCode::NotANumber),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insider_threshold_is_one_to_ten_thousand() {
        assert_eq!(parse_insider_threshold(" 40 "), Ok(40));
        assert_eq!(parse_insider_threshold("1"), Ok(1));
        assert_eq!(parse_insider_threshold("10000"), Ok(10_000));
        assert_eq!(parse_insider_threshold(""), Err(RuleCode::Required));
        assert_eq!(parse_insider_threshold("0"), Err(RuleCode::OutOfRange));
        assert_eq!(parse_insider_threshold("10001"), Err(RuleCode::OutOfRange));
        assert_eq!(parse_insider_threshold("forty"), Err(RuleCode::NotANumber));
    }

    #[test]
    fn opened_within_offers_only_its_hours() {
        assert_eq!(opened_within("24"), Some(24));
        assert_eq!(opened_within("1"), Some(1));
        assert_eq!(opened_within("5"), None);
        assert_eq!(opened_within("-1"), None);
        assert_eq!(opened_within(""), None);
    }
}
