/** D1 queries for agent identity: users, machines and their keys, registration codes. */
import * as v from "valibot";
import { randomBase62, sha256Hex } from "../lib/crypto";
import { IsoTimestamp, isoNow } from "../lib/time";

/** A machine key as the handshake needs it. */
export interface MachineKey {
  id: string;
  pubkey: string;
}

/** A user with their machines, as the admin listing shows it. */
export const AgentUserSchema = v.strictObject({
  user: v.string(),
  created_at: IsoTimestamp,
  machines: v.array(
    v.strictObject({ name: v.string(), pubkey: v.string(), created_at: IsoTimestamp }),
  ),
});
export type AgentUser = v.InferOutput<typeof AgentUserSchema>;

/** Objects that may hold a machine's sockets: where a force-drop must go. */
export interface MachineObject {
  kind: "channel" | "inbox";
  name: string;
}

/** What a removal took away: the machine ids and every object that may hold their sockets. */
export interface Removed {
  machineIds: string[];
  objects: MachineObject[];
}

/** The outcome of enrolling a machine (or registering a user with one). */
export type EnrolResult = "ok" | "user_taken" | "machine_taken" | "pubkey_taken";

/** Prefix of registration codes, so a code is recognisable in a config file or a chat. */
const CODE_PREFIX = "bg_reg_";

/** The key of `user/machine`, or `null` when there is no such machine. */
export async function findMachine(
  db: D1Database,
  user: string,
  machine: string,
): Promise<MachineKey | null> {
  return db
    .prepare("SELECT id, pubkey FROM agent_machines WHERE user_name = ? AND name = ?")
    .bind(user, machine)
    .first<MachineKey>();
}

/** Whether a user of that name is registered. */
export async function userExists(db: D1Database, user: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS ok FROM agent_users WHERE name = ?").bind(user).first();
  return row !== null;
}

async function conflict(
  db: D1Database,
  user: string,
  machine: string,
  pubkey: string,
): Promise<EnrolResult | null> {
  const [machineRow, keyRow] = await db.batch<{ ok: number }>([
    db
      .prepare("SELECT 1 AS ok FROM agent_machines WHERE user_name = ? AND name = ?")
      .bind(user, machine),
    db.prepare("SELECT 1 AS ok FROM agent_machines WHERE pubkey = ?").bind(pubkey),
  ]);
  if (machineRow?.results.length) return "machine_taken";
  if (keyRow?.results.length) return "pubkey_taken";
  return null;
}

function insertMachine(db: D1Database, user: string, machine: string, pubkey: string) {
  return db
    .prepare(
      "INSERT INTO agent_machines (id, user_name, name, pubkey, created_at) SELECT ?, ?, ?, ?, ? WHERE changes() = 1",
    )
    .bind(crypto.randomUUID(), user, machine, pubkey, isoNow());
}

/**
 * Claims a user name and enrols its first machine in one D1 transaction. With `code`, the
 * registration code is consumed in the same transaction (invite-only registration); an
 * unknown, used-up or expired code makes the whole registration a no-op.
 */
export async function registerAgent(
  db: D1Database,
  input: { user: string; machine: string; pubkey: string; code?: string },
): Promise<EnrolResult | "code_invalid"> {
  if (await userExists(db, input.user)) return "user_taken";
  const taken = await conflict(db, input.user, input.machine, input.pubkey);
  if (taken) return taken;
  const statements: D1PreparedStatement[] = [];
  if (input.code !== undefined) {
    statements.push(
      db
        .prepare(
          `UPDATE agent_registration_codes SET uses_left = uses_left - 1
           WHERE code_hash = ? AND (uses_left IS NULL OR uses_left > 0)
             AND (expires_at IS NULL OR expires_at > ?)`,
        )
        .bind(await sha256Hex(input.code), Date.now()),
    );
  }
  // Each insert runs only if the previous statement changed a row (`changes()`), so a
  // refused code or a concurrent registration of the same name leaves nothing behind.
  const userInsert =
    input.code === undefined
      ? db
          .prepare(
            "INSERT INTO agent_users (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
          )
          .bind(input.user, isoNow())
      : db
          .prepare(
            "INSERT INTO agent_users (name, created_at) SELECT ?, ? WHERE changes() = 1 ON CONFLICT DO NOTHING",
          )
          .bind(input.user, isoNow());
  statements.push(userInsert, insertMachine(db, input.user, input.machine, input.pubkey));
  try {
    const results = await db.batch(statements);
    if (results.at(-1)?.meta.changes === 1) return "ok";
    if (input.code !== undefined && results[0]?.meta.changes !== 1) return "code_invalid";
    return "user_taken";
  } catch (err) {
    // A concurrent enrolment of the same key won the UNIQUE constraint.
    if (String(err).includes("UNIQUE")) return "pubkey_taken";
    throw err;
  }
}

/**
 * Enrols a machine key for `user`, creating the user when new: how an admin enrols agents
 * when registration is closed, and how an enrolled machine adds a further one.
 */
export async function addMachine(
  db: D1Database,
  user: string,
  machine: string,
  pubkey: string,
): Promise<EnrolResult> {
  const taken = await conflict(db, user, machine, pubkey);
  if (taken) return taken;
  try {
    const [, inserted] = await db.batch([
      db
        .prepare("INSERT INTO agent_users (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(user, isoNow()),
      db
        .prepare(
          "INSERT INTO agent_machines (id, user_name, name, pubkey, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(crypto.randomUUID(), user, machine, pubkey, isoNow()),
    ]);
    return inserted?.meta.changes === 1 ? "ok" : "machine_taken";
  } catch (err) {
    // A concurrent enrolment won a UNIQUE constraint (machine name or key).
    if (String(err).includes("UNIQUE")) return "pubkey_taken";
    throw err;
  }
}

const OBJECTS_OF_MACHINES = `SELECT DISTINCT kind, object_name AS name FROM agent_machine_objects
  WHERE machine_id IN (SELECT id FROM agent_machines WHERE user_name = ?1 AND (?2 IS NULL OR name = ?2))`;
const IDS_OF_MACHINES =
  "SELECT id FROM agent_machines WHERE user_name = ?1 AND (?2 IS NULL OR name = ?2)";

/**
 * Deletes one machine (`machine` set) or a whole user, and returns what the caller must
 * force-drop. The reads and the delete are one transaction, so a handshake that recorded
 * its object before the delete is in the answer, and one that records after it finds the
 * machine gone (see `recordMachineObject`).
 */
async function remove(
  db: D1Database,
  user: string,
  machine: string | null,
): Promise<Removed | null> {
  const remover =
    machine === null
      ? db.prepare("DELETE FROM agent_users WHERE name = ?1").bind(user)
      : db
          .prepare("DELETE FROM agent_machines WHERE user_name = ?1 AND name = ?2")
          .bind(user, machine);
  const [objects, ids, deleted] = await db.batch<Record<string, string>>([
    db.prepare(OBJECTS_OF_MACHINES).bind(user, machine),
    db.prepare(IDS_OF_MACHINES).bind(user, machine),
    remover,
  ]);
  if (deleted?.meta.changes === 0) return null;
  return {
    machineIds: (ids?.results ?? []).map((r) => r.id ?? ""),
    objects: (objects?.results ?? []).map((r) => ({
      kind: r.kind === "inbox" ? "inbox" : "channel",
      name: r.name ?? "",
    })),
  };
}

/** Removes a machine key. `null` when the user has no such machine. */
export function removeMachine(db: D1Database, user: string, machine: string) {
  return remove(db, user, machine);
}

/** Removes a user and every machine of theirs. `null` when there is no such user. */
export function removeUser(db: D1Database, user: string) {
  return remove(db, user, null);
}

/** Every user with their machines, by name. */
export async function listUsers(db: D1Database): Promise<AgentUser[]> {
  const [users, machines] = await db.batch<Record<string, string>>([
    db.prepare("SELECT name, created_at FROM agent_users ORDER BY name"),
    db.prepare(
      "SELECT user_name, name, pubkey, created_at FROM agent_machines ORDER BY user_name, name",
    ),
  ]);
  const byUser = new Map<string, AgentUser>();
  for (const row of users?.results ?? []) {
    const user = row.name ?? "";
    byUser.set(user, { user, created_at: row.created_at ?? "", machines: [] });
  }
  for (const row of machines?.results ?? []) {
    byUser.get(row.user_name ?? "")?.machines.push({
      name: row.name ?? "",
      pubkey: row.pubkey ?? "",
      created_at: row.created_at ?? "",
    });
  }
  return [...byUser.values()];
}

/**
 * Records that `machineId` holds (or is about to hold) a socket in an object, and answers
 * whether the machine still exists. Both happen in one transaction, which closes the race
 * with a concurrent removal: either the removal sees this row and force-drops the socket,
 * or this call sees the machine gone and the handshake is refused.
 */
export async function recordMachineObject(
  db: D1Database,
  machineId: string,
  object: MachineObject,
): Promise<boolean> {
  const [, exists] = await db.batch([
    db
      .prepare(
        `INSERT INTO agent_machine_objects (machine_id, kind, object_name)
         SELECT id, ?2, ?3 FROM agent_machines WHERE id = ?1 ON CONFLICT DO NOTHING`,
      )
      .bind(machineId, object.kind, object.name),
    db.prepare("SELECT 1 AS ok FROM agent_machines WHERE id = ?").bind(machineId),
  ]);
  return (exists?.results.length ?? 0) > 0;
}

/** Issued registration code: the plaintext is shown once, only its hash is stored. */
export const RegistrationCodeSchema = v.strictObject({
  code: v.pipe(v.string(), v.description("Shown only here")),
  code_id: v.string(),
  /** Uses left; `null` = unlimited. */
  uses: v.nullable(v.number()),
  /** Expiry in Unix milliseconds; `null` = never. */
  expires_at: v.nullable(v.number()),
});
export type RegistrationCode = v.InferOutput<typeof RegistrationCodeSchema>;

/** Issues an invite-only registration code, optionally limited in uses and time. */
export async function createRegistrationCode(
  db: D1Database,
  options: { uses?: number; expiresInS?: number },
): Promise<RegistrationCode> {
  const code = `${CODE_PREFIX}${randomBase62(32)}`;
  const issued: RegistrationCode = {
    code,
    code_id: crypto.randomUUID(),
    uses: options.uses ?? null,
    expires_at: options.expiresInS === undefined ? null : Date.now() + options.expiresInS * 1000,
  };
  await db
    .prepare(
      "INSERT INTO agent_registration_codes (id, code_hash, uses_left, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(issued.code_id, await sha256Hex(code), issued.uses, issued.expires_at, isoNow())
    .run();
  return issued;
}
