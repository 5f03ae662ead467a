-- Sleds (docs/sleds.md): agent hosts that keep one outbound uplink to botgate. D1 holds the
-- directory and the tokens; each project's SledObject holds the live uplink and its approvals.
CREATE TABLE sleds (
  -- The project a sled serves, e.g. "huskies". Also the SledObject's name.
  project TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- Uplink tokens: one active per project (rotating revokes the old one), shown once, stored
-- as a SHA-256 hash only.
CREATE TABLE sled_tokens (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL REFERENCES sleds (project),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sled_tokens_project ON sled_tokens (project, revoked_at);
