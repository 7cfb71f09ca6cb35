//! Service levels in the embassy's local time. An embassy counts the hours to a first
//! response either on the calendar or, for normal and low priority, in its business hours:
//! a weekly schedule in its time zone, less its holidays. Urgent and high priority always
//! count calendar hours. Local days are walked in the embassy's zone, so a change to or
//! from summer time moves the opening hours with the clock.

use crate::domain::{Date, Priority};
use jiff::{civil, tz::TimeZone, Timestamp};

/// The days of the week as the schedule names them, Monday first.
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The form fields of each day's hours, Monday first.
pub const HOURS_FIELDS: [&str; 7] = ["hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun"];

/// Minutes after local midnight.
type Minutes = u16;

/// When an embassy's desk is open: for each day of the week (Monday first), the minutes
/// after local midnight it opens and closes, or `None` when it is closed all day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Week {
    pub days: [Option<(Minutes, Minutes)>; 7],
}

/// `HH:MM` as minutes after midnight (00:00–23:59).
fn clock(typed: &str) -> Option<Minutes> {
    let (h, m) = typed.trim().split_once(':')?;
    let (h, m): (Minutes, Minutes) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn clock_text(minutes: Minutes) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A day's hours that are not `09:00-17:00` with opening before closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotHours;

impl Week {
    /// One day's hours as typed: `09:00-17:00` (a dash or an en dash); blank means closed.
    /// `Err` when it is neither, or the desk would close before it opens.
    pub fn parse_day(typed: &str) -> Result<Option<(Minutes, Minutes)>, NotHours> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        let (open, close) = typed.split_once(['-', '–']).ok_or(NotHours)?;
        match (clock(open), clock(close)) {
            (Some(open), Some(close)) if open < close => Ok(Some((open, close))),
            _ => Err(NotHours),
        }
    }

    /// The schedule as stored (`mon=09:00-17:00;tue=…`, closed days left out); `None` for
    /// an empty or unreadable one (calendar hours).
    pub fn parse(stored: &str) -> Option<Week> {
        if stored.trim().is_empty() {
            return None;
        }
        let mut week = Week::default();
        for part in stored.split(';').filter(|p| !p.is_empty()) {
            let (day, hours) = part.split_once('=')?;
            let i = DAY_NAMES.iter().position(|d| *d == day)?;
            week.days[i] = Week::parse_day(hours).ok()?;
        }
        week.is_open_at_all().then_some(week)
    }

    /// The schedule as the database keeps it.
    pub fn to_stored(&self) -> String {
        DAY_NAMES
            .iter()
            .zip(self.days)
            .filter_map(|(name, hours)| hours.map(|(open, close)| format!("{name}={}-{}", clock_text(open), clock_text(close))))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// One day's hours as a form shows them (`09:00-17:00`; closed: blank).
    pub fn day_text(&self, day: usize) -> String {
        self.days.get(day).copied().flatten().map(|(open, close)| format!("{}-{}", clock_text(open), clock_text(close))).unwrap_or_default()
    }

    /// Whether the desk opens on any day.
    pub fn is_open_at_all(&self) -> bool {
        self.days.iter().any(Option::is_some)
    }
}

/// Whether a first response at `priority` counts business hours where the embassy keeps
/// them: normal and low; urgent and high always count calendar hours.
pub fn counts_business_hours(priority: Priority) -> bool {
    matches!(priority, Priority::Normal | Priority::Low)
}

/// The instant (UTC seconds) `hours` of service after `start`: calendar hours without a
/// schedule, else the hours `week` is open in `zone`, skipping `holidays` (local dates).
pub fn due_at(start: i64, hours: i64, zone: &TimeZone, week: Option<&Week>, holidays: &[Date]) -> i64 {
    let calendar = start + hours * 3600;
    let Some(week) = week.filter(|w| w.is_open_at_all()) else { return calendar };
    let Ok(started) = Timestamp::from_second(start) else { return calendar };
    let mut left = hours * 3600;
    let mut day: civil::Date = started.to_zoned_datetime(zone.clone()).date();
    // At most ten years of days: a schedule that opens at all reaches any sane number of
    // hours well before; beyond, the calendar answer is as good as any.
    for _ in 0..3660 {
        let weekday = day.weekday().to_monday_zero_offset() as usize;
        let holiday = holidays.contains(&Date { year: i32::from(day.year()), month: day.month() as u8, day: day.day() as u8 });
        if let (Some((open, close)), false) = (week.days[weekday], holiday) {
            // A local time skipped by a clock change is taken as the time after it.
            let at = |minutes: Minutes| {
                let local = day.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
                zone.to_ambiguous_zoned_datetime(local).compatible().ok().map(|z| z.timestamp().as_second())
            };
            if let (Some(opens), Some(closes)) = (at(open), at(close)) {
                let from = opens.max(start);
                if closes > from {
                    if closes - from >= left {
                        return from + left;
                    }
                    left -= closes - from;
                }
            }
        }
        day = match day.tomorrow() {
            Ok(next) => next,
            Err(_) => return calendar,
        };
    }
    calendar
}

/// A zone by its IANA name; UTC for an unknown one.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// How a time in `zone` is named next to it: its abbreviation where it has one of letters
/// (`CET`, `EEST`), else the offset from UTC (`UTC+04`).
pub fn zone_label(zone: &TimeZone, unix: i64) -> String {
    let Ok(at) = Timestamp::from_second(unix) else { return "UTC".into() };
    let info = zone.to_offset_info(at);
    let abbreviation = info.abbreviation();
    if !abbreviation.is_empty() && abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
        abbreviation.to_owned()
    } else {
        format!("UTC{abbreviation}")
    }
}

/// `(year, month, day, hour, minute)` of `unix` in `zone`.
pub fn local(zone: &TimeZone, unix: i64) -> (i32, u8, u8, u8, u8) {
    let at = Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH).to_zoned_datetime(zone.clone());
    (i32::from(at.year()), at.month() as u8, at.day() as u8, at.hour() as u8, at.minute() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warsaw() -> TimeZone {
        TimeZone::get("Europe/Warsaw").expect("the bundled tz database")
    }

    /// UTC seconds of a local time in Warsaw.
    fn at(zone: &TimeZone, y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        civil::date(y, mo, d).at(h, mi, 0, 0).to_zoned_datetime(zone.clone()).unwrap().timestamp().as_second()
    }

    fn office() -> Week {
        let mut week = Week::default();
        for day in 0..5 {
            week.days[day] = Some((9 * 60, 17 * 60));
        }
        week
    }

    #[test]
    fn a_schedule_reads_what_it_writes() {
        let week = office();
        assert_eq!(week.to_stored(), "mon=09:00-17:00;tue=09:00-17:00;wed=09:00-17:00;thu=09:00-17:00;fri=09:00-17:00");
        assert_eq!(Week::parse(&week.to_stored()), Some(week.clone()));
        assert_eq!(Week::parse(""), None);
        assert_eq!(Week::parse("mon=9-17"), None);
        assert_eq!(week.day_text(0), "09:00-17:00");
        assert_eq!(week.day_text(6), "");
        assert_eq!(Week::parse_day("9:30 – 13:00"), Ok(Some((570, 780))));
        assert_eq!(Week::parse_day(""), Ok(None));
        for bad in ["17:00-09:00", "09:00", "25:00-26:00", "09:60-10:00", "nine-five", "09:00-09:00", "123:00-124:00"] {
            assert_eq!(Week::parse_day(bad), Err(NotHours), "{bad}");
        }
    }

    #[test]
    fn calendar_hours_without_a_schedule() {
        let start = at(&warsaw(), 2026, 10, 23, 16, 0);
        assert_eq!(due_at(start, 8, &warsaw(), None, &[]), start + 8 * 3600);
        assert_eq!(due_at(start, 8, &warsaw(), Some(&Week::default()), &[]), start + 8 * 3600, "a desk that never opens counts the calendar");
    }

    #[test]
    fn business_hours_carry_over_the_weekend_and_the_end_of_summer_time() {
        let zone = warsaw();
        // Friday 23 October 2026, 16:00 CEST: one hour that day; Monday 26 October is in CET
        // (the clocks went back on Sunday 25 October), so the other seven end at 16:00 CET.
        let start = at(&zone, 2026, 10, 23, 16, 0);
        let due = due_at(start, 8, &zone, Some(&office()), &[]);
        assert_eq!(due, at(&zone, 2026, 10, 26, 16, 0));
        assert_eq!(local(&zone, due), (2026, 10, 26, 16, 0));
        assert_eq!(zone_label(&zone, start), "CEST");
        assert_eq!(zone_label(&zone, due), "CET");
        // In UTC that is 73 hours later, not 72: the night of the change was an hour longer.
        assert_eq!(due - start, 73 * 3600);
    }

    #[test]
    fn business_hours_move_with_the_start_of_summer_time() {
        let zone = warsaw();
        // Friday 27 March 2026, 17:30 CET (closed): the clocks go forward on Sunday 29 March;
        // Monday opens at 09:00 CEST, and two hours later it is 11:00 CEST.
        let start = at(&zone, 2026, 3, 27, 17, 30);
        let due = due_at(start, 2, &zone, Some(&office()), &[]);
        assert_eq!(local(&zone, due), (2026, 3, 30, 11, 0));
        assert_eq!(zone_label(&zone, due), "CEST");
    }

    #[test]
    fn holidays_are_skipped() {
        let zone = warsaw();
        // Thursday 24 December 2026, 15:00; 25 December is a holiday and 26–27 a weekend.
        let start = at(&zone, 2026, 12, 24, 15, 0);
        let christmas = [Date { year: 2026, month: 12, day: 25 }];
        let due = due_at(start, 4, &zone, Some(&office()), &christmas);
        assert_eq!(local(&zone, due), (2026, 12, 28, 11, 0));
        // Started on the holiday itself, nothing counts until Monday.
        let on_holiday = at(&zone, 2026, 12, 25, 10, 0);
        assert_eq!(local(&zone, due_at(on_holiday, 1, &zone, Some(&office()), &christmas)), (2026, 12, 28, 10, 0));
    }

    #[test]
    fn only_normal_and_low_count_business_hours() {
        assert!(counts_business_hours(Priority::Normal) && counts_business_hours(Priority::Low));
        assert!(!counts_business_hours(Priority::Urgent) && !counts_business_hours(Priority::High));
    }

    #[test]
    fn zones_without_letters_are_named_by_their_offset() {
        let tbilisi = TimeZone::get("Asia/Tbilisi").unwrap();
        assert_eq!(zone_label(&tbilisi, 1_790_000_000), "UTC+04");
        assert_eq!(zone_label(&TimeZone::UTC, 0), "UTC");
        assert_eq!(zone("Nowhere/Else"), TimeZone::UTC);
    }
}
