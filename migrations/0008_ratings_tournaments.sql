-- Ratings and tournaments (docs/ratings.md, docs/tournaments.md).

-- One row per bot that has played a rated match: its OpenSkill (Weng-Lin, Plackett-Luce)
-- estimate and the conservative display rating mu - 3 sigma that orders the leaderboard.
-- `matches` is also the row's version: an update applies only over the version it read.
CREATE TABLE ratings (
  bot_id TEXT PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
  mu REAL NOT NULL,
  sigma REAL NOT NULL,
  rating REAL NOT NULL,
  matches INTEGER NOT NULL,
  wins INTEGER NOT NULL,
  losses INTEGER NOT NULL,
  draws INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ratings_leaderboard ON ratings (rating DESC, bot_id);

-- Every rated match whose update was applied, with the attempt that applied it: the update
-- is one D1 batch guarded by this row, so a retried match-end hook never applies it twice.
CREATE TABLE rated_matches (
  match_id TEXT PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
  attempt TEXT NOT NULL,
  rated_at TEXT NOT NULL
);

-- One row per seat of every applied rated match: the rating before and after.
CREATE TABLE rating_history (
  match_id TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  opponent_id TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('win', 'loss', 'draw')),
  mu_before REAL NOT NULL,
  sigma_before REAL NOT NULL,
  rating_before REAL NOT NULL,
  mu REAL NOT NULL,
  sigma REAL NOT NULL,
  rating REAL NOT NULL,
  rated_at TEXT NOT NULL,
  PRIMARY KEY (match_id, bot_id)
);
CREATE INDEX rating_history_by_bot ON rating_history (bot_id, rated_at);

-- The tournament directory. The TournamentObject of each id owns entries, rounds and
-- standings; this row mirrors what a list needs and is written before the object is told.
CREATE TABLE tournaments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('round_robin', 'swiss', 'knockout')),
  -- scheduled → running → completed | cancelled
  status TEXT NOT NULL,
  rated INTEGER NOT NULL,
  starts_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX tournaments_by_created ON tournaments (created_at DESC, id);

-- Tournament matches are dispatched with source `tournament:{id}:{round}:{table}`: the
-- object finds a match whose dispatch it did not see finish by that key.
CREATE INDEX matches_by_source ON matches (source);
