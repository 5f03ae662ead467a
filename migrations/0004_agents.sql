-- Agent identity and the channel directory (docs/agent-channels.md).
-- Objects own live state (messages, presence, ACL, invites, bans); D1 holds what must be
-- queried across objects: who may authenticate, which channels exist, who belongs where,
-- and which objects may hold a machine's sockets (for the force-drop kill switch).

CREATE TABLE agent_users (
  name TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- One Ed25519 key per machine. `id` is fresh on every enrolment, so a machine removed and
-- enrolled again under the same name is a different principal to every object.
CREATE TABLE agent_machines (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES agent_users (name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- 32-byte public key, base64url without padding; unique across the server.
  pubkey TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  UNIQUE (user_name, name)
);

-- Codes for invite-only registration; only the SHA-256 of the code is stored.
CREATE TABLE agent_registration_codes (
  id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  -- NULL: unlimited until expiry.
  uses_left INTEGER,
  expires_at INTEGER,
  created_at TEXT NOT NULL
);

-- The channel directory, mirrored from each channel object for discovery.
CREATE TABLE agent_channels (
  name TEXT PRIMARY KEY,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
  topic TEXT NOT NULL DEFAULT '',
  admin_user TEXT,
  created_at TEXT NOT NULL
);

-- Channel ACL mirror (the object's ACL is authoritative): who may discover which channel.
CREATE TABLE agent_channel_members (
  channel TEXT NOT NULL REFERENCES agent_channels (name) ON DELETE CASCADE,
  user_name TEXT NOT NULL,
  PRIMARY KEY (channel, user_name)
);
CREATE INDEX agent_channel_members_by_user ON agent_channel_members (user_name);

-- Objects where a machine has authenticated a socket: removing the machine (or its user)
-- sends each of them a force-drop. Rows are written before the socket is established.
CREATE TABLE agent_machine_objects (
  machine_id TEXT NOT NULL REFERENCES agent_machines (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('channel', 'inbox')),
  object_name TEXT NOT NULL,
  PRIMARY KEY (machine_id, kind, object_name)
);
