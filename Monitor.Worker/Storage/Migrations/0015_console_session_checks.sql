-- Server-side secrets of the console, each encrypted with the data-protection key ring (data_protection_keys): today the
-- key of the local account's session stamp (an HMAC key, never in a cookie). Shared, so every replica computes the same stamp.
CREATE TABLE console_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- OpenID Connect sessions, for the periodic re-check of the person's role at the provider: when it was last confirmed and
-- the provider's refresh token (encrypted with the data-protection key ring; null when the provider gave none). Kept
-- server-side so that the refresh token is never in the cookie; a row lives until its cookie would have expired.
CREATE TABLE console_oidc_sessions (
    session_id     TEXT PRIMARY KEY,
    refresh_token  TEXT NULL,
    checked_at     BIGINT NOT NULL,
    -- When a request (on any replica) took the due check on itself: one refresh per session at a time, since a
    -- provider that rotates refresh tokens may treat a second use of the same token as theft.
    claimed_at     BIGINT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX ix_console_oidc_sessions_expiry ON console_oidc_sessions (expires_at);
