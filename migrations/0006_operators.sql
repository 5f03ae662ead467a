-- Operator tokens for the operator gateway (docs/operator-gateway.md): minted by an admin
-- with a fixed scope set, shown once, stored as a SHA-256 hash only, revocable.
CREATE TABLE operator_tokens (
  id TEXT PRIMARY KEY,
  -- Who holds it, in records such as an approval's `resolvedBy`. Not unique: reissuing
  -- a token to the same person keeps the name.
  name TEXT NOT NULL,
  -- SHA-256 of the plaintext, lowercase hex. The plaintext is never stored.
  token_hash TEXT NOT NULL UNIQUE,
  -- JSON array of operator scopes, e.g. ["operator.read","operator.approvals"].
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
