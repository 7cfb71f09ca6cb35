-- A possible duplicate a lead looked at and found to be another person's request: a link of
-- kind 'different', one row each way like a link of the same person ('same'), so that the
-- case page no longer lists it. A later link as the same person's turns it into 'same'.
ALTER TABLE case_links ADD COLUMN kind TEXT NOT NULL DEFAULT 'same';
