-- What kind of text a submission started through the API or the CLI is (`schemas.enums.LawKind`), claimed with its ID: the
-- inbox tells a law at PROMULGATION from an ordinance, which alone the President may send back or refer to the Assembly,
-- without asking every draft (found by a breaker: past the twentieth draft asked, a law was offered the return again).
-- NULL for a claim made before this revision, and for a draft started past the API and the CLI: those are asked.
ALTER TABLE submission_ids ADD COLUMN law_kind text;
