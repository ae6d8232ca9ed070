-- The idempotency keys a release before `keyscopev28` kept under a token's ID move to that token's agency and role, under
-- which every release since looks a key up (found by an engineer upgrading a release months old: a decision refused under
-- its key before the upgrade was applied when sent again after it). The earliest of one agency and role's rows for a key
-- moves; one that scope holds already is kept, and any other left stays under its token's ID until it lapses (30 days).
UPDATE idempotency_keys k SET caller = moved.scope
FROM (SELECT DISTINCT ON (t.agency_code || '/' || t.role, old.key) old.caller, old.key, t.agency_code || '/' || t.role AS scope
      FROM idempotency_keys old JOIN api_tokens t ON t.token_id = old.caller
      ORDER BY t.agency_code || '/' || t.role, old.key, old.created_at) moved
WHERE k.caller = moved.caller AND k.key = moved.key
  AND NOT EXISTS (SELECT 1 FROM idempotency_keys taken WHERE taken.caller = moved.scope AND taken.key = moved.key);
