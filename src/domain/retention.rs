//! How long a closed case is kept before it is purged: a whole number of days from 1 to 3650
//! (ten years), for the server's default and for each embassy's own.

use crate::domain::RuleCode;
use std::ops::RangeInclusive;

/// The days a retention may be.
pub const RETENTION_DAYS: RangeInclusive<i64> = 1..=3650;

/// An embassy's retention as typed on the team page: blank is `None` (the server's default).
pub fn parse_retention_days(text: &str) -> Result<Option<i64>, RuleCode> {
    match text.trim() {
        "" => Ok(None),
        text => match text.parse::<i64>() {
            Ok(days) if RETENTION_DAYS.contains(&days) => Ok(Some(days)),
            Ok(_) => Err(RuleCode::OutOfRange),
            Err(_) => Err(RuleCode::NotANumber),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_blank_or_one_to_3650_days() {
        assert_eq!(parse_retention_days(" "), Ok(None));
        assert_eq!(parse_retention_days("1"), Ok(Some(1)));
        assert_eq!(parse_retention_days(" 3650 "), Ok(Some(3650)));
        assert_eq!(parse_retention_days("0"), Err(RuleCode::OutOfRange));
        assert_eq!(parse_retention_days("3651"), Err(RuleCode::OutOfRange));
        assert_eq!(parse_retention_days("-5"), Err(RuleCode::OutOfRange));
        assert_eq!(parse_retention_days("a year"), Err(RuleCode::NotANumber));
        assert_eq!(parse_retention_days("30.5"), Err(RuleCode::NotANumber));
    }
}
