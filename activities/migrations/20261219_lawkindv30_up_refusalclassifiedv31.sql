-- Whether a refused start said its draft is classified (`StartRequest.classified`), for a draft the registry and the
-- start claims do not know: a classified start refused before it started (its examining committee unknown, say) was
-- listed to operators with its lead ministry's token, agency and role, and its refusal's sentence (found by a breaker).
-- NULL for any other refusal, and for a row written before this revision.
ALTER TABLE access_refusals ADD COLUMN classified boolean;
