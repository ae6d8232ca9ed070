-- Titles searched without their diacritics: officials type "dat dai" for "Luật Đất đai". Each title's fold (its letters
-- without their combining marks, đ as d, in lower case: `schemas.text.folded`) is written beside it by the audit trail's
-- registry upsert, computed in Python (a generated column would have PostgreSQL fold the title again at every event);
-- the titles recorded before are folded here the same way.
ALTER TABLE submissions ADD COLUMN title_folded text;
UPDATE submissions SET title_folded = lower(translate(regexp_replace(normalize(title, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dd'))
WHERE title IS NOT NULL;
