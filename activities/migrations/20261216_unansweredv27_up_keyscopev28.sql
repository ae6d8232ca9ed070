-- An idempotency key is unique within its caller's agency and role ("BGDDT/LEAD_MINISTRY"), not within one token: a
-- system that rotates its token retries under the same key (found by an integrator's trial: a filing was applied twice).
-- Keys kept under a token's ID before stay as they are until they lapse (30 days).
ALTER TABLE idempotency_keys RENAME COLUMN token_id TO caller;
