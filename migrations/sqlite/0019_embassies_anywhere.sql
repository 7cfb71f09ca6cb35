-- Embassies in any country: an embassy is named in Belarusian, Russian and English (name
-- stays the English one), keeps the time zone of its desk, and takes the cases of every
-- country routed to it (a country goes to one embassy at most; the rest to the default
-- desk). A queue can be retired: its cases move to another queue of the embassy first, and
-- it stays for the history of the cases that were in it.
ALTER TABLE embassies ADD COLUMN name_be TEXT NOT NULL DEFAULT '';
ALTER TABLE embassies ADD COLUMN name_ru TEXT NOT NULL DEFAULT '';
ALTER TABLE embassies ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
UPDATE embassies SET name_be = name, name_ru = name;
UPDATE embassies SET time_zone = CASE country
    WHEN 'PL' THEN 'Europe/Warsaw' WHEN 'LT' THEN 'Europe/Vilnius' WHEN 'DE' THEN 'Europe/Berlin'
    WHEN 'CZ' THEN 'Europe/Prague' WHEN 'LV' THEN 'Europe/Riga' WHEN 'EE' THEN 'Europe/Tallinn'
    WHEN 'GE' THEN 'Asia/Tbilisi' WHEN 'UA' THEN 'Europe/Kyiv' WHEN 'NL' THEN 'Europe/Amsterdam'
    WHEN 'FR' THEN 'Europe/Paris' WHEN 'GB' THEN 'Europe/London' WHEN 'US' THEN 'America/New_York'
    ELSE 'UTC' END;

CREATE TABLE embassy_countries (
    country     TEXT PRIMARY KEY,              -- ISO 3166-1 alpha-2
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    added_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX embassy_countries_by_embassy ON embassy_countries (embassy_id, country);
-- Each embassy takes its own country, as routing did before (the oldest where two share one).
INSERT INTO embassy_countries (country, embassy_id, added_at)
SELECT e.country, e.id, e.created_at FROM embassies e
WHERE e.is_default = 0 AND NOT EXISTS (
    SELECT 1 FROM embassies o WHERE o.country = e.country AND o.is_default = 0
    AND (o.created_at < e.created_at OR (o.created_at = e.created_at AND o.id < e.id)));

ALTER TABLE queues ADD COLUMN retired_at INTEGER;
UPDATE embassies SET name_be = 'Міжнародная прыёмная', name_ru = 'Международная приёмная' WHERE is_default = 1 AND name = 'International desk';
