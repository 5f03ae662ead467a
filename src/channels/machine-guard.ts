/**
 * What an agent socket object remembers about machines (plain module over `Sql`): the
 * machine keys its handshakes read from D1 (cached), the machines already indexed as holding
 * sockets here, and the machines force-dropped here (refused for a day, covering handshakes
 * in flight).
 */
import { verifyEd25519 } from "../agents/ed25519";
import { findMachine, type MachineKey } from "../agents/registry";
import type { Auth } from "../protocol/channel-frames";
import type { Schedule } from "./schedule";
import { first, migrate, type Sql } from "./sql";

/** How long a force-dropped machine stays refused here (covers handshakes in flight). */
export const REVOCATION_MEMORY_MS = 24 * 3600 * 1000;
/** How long a machine key read from D1 is reused by handshakes on this object. */
const KEY_CACHE_MS = 60_000;

export class MachineGuard {
  readonly #sql: Sql;
  readonly #schedule: () => Schedule;
  /**
   * Machine keys seen by handshakes here, so a reconnect storm does not query D1 for every
   * socket. Safe without expiry for revocations: a revoked machine that was established
   * here is refused by its tombstone, one that was not must pass `recordMachineObject`,
   * which checks D1. A failed verification with a cached key re-reads D1 once (re-enrolled
   * machine), and entries are refreshed after `KEY_CACHE_MS`.
   */
  readonly #keys = new Map<string, MachineKey & { at: number }>();

  constructor(sql: Sql, schedule: () => Schedule) {
    this.#sql = sql;
    this.#schedule = schedule;
    this.migrate();
  }

  migrate(): void {
    migrate(this.#sql, [
      "CREATE TABLE IF NOT EXISTS revoked_machines (machine_id TEXT PRIMARY KEY, at INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS indexed_machines (machine_id TEXT PRIMARY KEY)",
    ]);
  }

  /** The machine key that verifies `auth.signature` over `signed`, or `null`. */
  async verifiedKey(db: D1Database, auth: Auth, signed: string): Promise<MachineKey | null> {
    const name = `${auth.user}/${auth.machine}`;
    const cached = this.#keys.get(name);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) {
      if (await verifyEd25519(cached.pubkey, signed, auth.signature)) return cached;
      this.#keys.delete(name);
    }
    const key = await findMachine(db, auth.user, auth.machine);
    if (!key) return null;
    this.#keys.set(name, { ...key, at: Date.now() });
    return (await verifyEd25519(key.pubkey, signed, auth.signature)) ? key : null;
  }

  indexed(machineId: string): boolean {
    return (
      first(this.#sql, "SELECT 1 AS ok FROM indexed_machines WHERE machine_id = ?", machineId) !==
      null
    );
  }

  markIndexed(machineId: string): void {
    this.#sql.exec("INSERT OR IGNORE INTO indexed_machines (machine_id) VALUES (?)", machineId);
  }

  isRevoked(machineId: string): boolean {
    return (
      first(this.#sql, "SELECT 1 AS ok FROM revoked_machines WHERE machine_id = ?", machineId) !==
      null
    );
  }

  /** Refuses these machines here from now on (and forgets their cached keys). */
  revoke(machineIds: readonly string[], now: number): void {
    for (const id of machineIds) {
      this.#sql.exec(
        "INSERT OR REPLACE INTO revoked_machines (machine_id, at) VALUES (?, ?)",
        id,
        now,
      );
    }
    this.#schedule().atLatest("forget_revoked", now + REVOCATION_MEMORY_MS);
    const revoked = new Set(machineIds);
    for (const [name, key] of this.#keys) if (revoked.has(key.id)) this.#keys.delete(name);
  }

  /** Drops the revocations older than `REVOCATION_MEMORY_MS`; schedules the next. */
  forgetRevoked(now: number): void {
    this.#sql.exec("DELETE FROM revoked_machines WHERE at <= ?", now - REVOCATION_MEMORY_MS);
    const left = first<{ at: number | null }>(
      this.#sql,
      "SELECT MIN(at) AS at FROM revoked_machines",
    );
    if (left?.at != null) {
      this.#schedule().atLatest("forget_revoked", left.at + REVOCATION_MEMORY_MS);
    }
  }

  /** Forgets the cached keys (after the object's storage was deleted). */
  clearKeys(): void {
    this.#keys.clear();
  }
}
