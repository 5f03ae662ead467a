-- Decision-latency samples of each bot in each finished match, written at match end from the
-- match_end results; GET /api/external-api/bots/{bot_id}/latency-stats reads the recent ones.
CREATE TABLE decision_latency (
  match_id TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots (id),
  ended_at TEXT NOT NULL,
  -- JSON array of milliseconds, one per decision.
  samples TEXT NOT NULL,
  PRIMARY KEY (match_id, bot_id)
);
CREATE INDEX decision_latency_by_bot ON decision_latency (bot_id, ended_at);
