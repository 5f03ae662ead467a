-- The built-in house bots every deployment starts with. Fixed ids so links stay stable;
-- created_at orders them (the earliest active one is the default challenge opponent).
INSERT INTO bots (id, name, owner, kind, house_strategy, active, created_at) VALUES
  ('00000000-0000-4000-8000-000000000001', 'house-calling-station', 'system', 'house', 'calling_station', 1, '2026-01-01T00:00:00.000Z'),
  ('00000000-0000-4000-8000-000000000002', 'house-random', 'system', 'house', 'random', 1, '2026-01-01T00:00:01.000Z'),
  ('00000000-0000-4000-8000-000000000003', 'house-hand-strength', 'system', 'house', 'hand_strength', 1, '2026-01-01T00:00:02.000Z');
