-- Local console accounts (the first-run account used when no identity provider is configured).
-- Passwords are stored only as PBKDF2 hashes (ASP.NET Core's PasswordHasher format, salt and iterations inside).

CREATE TABLE console_accounts (
    user_name      TEXT PRIMARY KEY,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
