-- Service levels in local time: an embassy may count the hours to a first response of
-- normal and low priority in its business hours (sla_business = 1) — a weekly schedule in
-- its time zone (mon=09:00-17:00;tue=…, closed days left out) less its holidays (local
-- dates). The schedule is kept while the embassy counts calendar hours.
ALTER TABLE embassies ADD COLUMN business_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE embassies ADD COLUMN sla_business INTEGER NOT NULL DEFAULT 0;
CREATE TABLE embassy_holidays (
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    day         TEXT NOT NULL,                 -- YYYY-MM-DD in the embassy's time zone
    name        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (embassy_id, day)
) STRICT;
