-- Local console accounts (the first-run account used when no identity provider is configured).
-- Passwords are stored only as PBKDF2 hashes (ASP.NET Core's PasswordHasher format, salt and iterations inside).

CREATE TABLE console_accounts (
    user_name      TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- Console sessions ended by signing out, until their cookie would have expired anyway: a copy of the cookie
-- kept after sign-out opens nothing, on any replica.
CREATE TABLE console_revoked_sessions (
    session_id  TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX ix_console_revoked_sessions_expiry ON console_revoked_sessions (expires_at);

-- ASP.NET Core data-protection keys (they encrypt the console's cookies and anti-forgery tokens), shared so
-- that every replica reads what another wrote and a restart signs nobody out. Stored as the framework's XML.
CREATE TABLE data_protection_keys (
    name        TEXT PRIMARY KEY,
    xml         TEXT NOT NULL
);
