-- The cross-object directory: bots, their tokens, and the match index.
CREATE TABLE bots (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('external_api', 'house')),
  -- House bots only: which built-in player fills the seat.
  house_strategy TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  -- SHA-256 of the plaintext, lowercase hex. The plaintext is never stored.
  token_hash TEXT NOT NULL UNIQUE,
  max_concurrent_matches INTEGER NOT NULL DEFAULT 3,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX tokens_by_bot ON tokens (bot_id);

CREATE TABLE matches (
  id TEXT PRIMARY KEY,
  -- dispatching → live → completed | cancelled | error
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  rated INTEGER NOT NULL,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  ended_at TEXT,
  result TEXT
);

CREATE TABLE participants (
  match_id TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  participant_id TEXT NOT NULL,
  seat INTEGER NOT NULL,
  bot_id TEXT NOT NULL REFERENCES bots (id),
  -- The token that dispatched this seat; counts against its concurrent-match cap.
  token_id TEXT REFERENCES tokens (id),
  net_chips INTEGER,
  hands_won INTEGER,
  final_stack INTEGER,
  place INTEGER,
  PRIMARY KEY (match_id, participant_id),
  UNIQUE (match_id, seat)
);
CREATE INDEX participants_by_bot ON participants (bot_id);
CREATE INDEX participants_by_token ON participants (token_id);
