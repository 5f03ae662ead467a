/**
 * Everything the hub keeps in its own storage, behind one class: the presence table, the
 * failed-attempt windows, the schedule behind its one alarm, and the small counters in its
 * synchronous KV (report intake, the health snapshot and its version, when the state was
 * built). All of it survives eviction; none of it is a source of truth.
 */
import { Schedule } from "../channels/schedule.ts";
import { AuthFailures } from "./auth-failures.ts";
import { type Health, healthSignature } from "./health.ts";
import type { HubBatch } from "./hub-types.ts";
import type { StateVersion } from "./methods/registry.ts";
import { PresenceTable } from "./presence-table.ts";

const AUTH_FAILURES_PER_MINUTE = 10;

export class HubStore {
  readonly presence: PresenceTable;
  readonly failures: AuthFailures;
  readonly schedule: Schedule;
  readonly #kv: SyncKvStorage;

  constructor(storage: DurableObjectStorage) {
    this.presence = new PresenceTable(storage.sql);
    this.failures = new AuthFailures(storage.sql, AUTH_FAILURES_PER_MINUTE);
    this.schedule = new Schedule(storage.sql);
    this.#kv = storage.kv;
  }

  #number(key: string): number {
    return this.#kv.get<number>(key) ?? 0;
  }

  /**
   * Whether this is the first wake-up in the isolate `boot` (a restart or a move): then the
   * state's build time is now and its presence must be rebuilt from the sources.
   */
  startedIn(boot: string, now: number): boolean {
    if (this.#kv.get<string>("boot") === boot) return false;
    this.#kv.put("boot", boot);
    this.#kv.put("builtAt", now);
    return true;
  }

  uptimeMs(now: number): number {
    return Math.max(0, now - (this.#kv.get<number>("builtAt") ?? now));
  }

  /** Counts one report RPC and the changes it carried. */
  countReport(batch: HubBatch): void {
    this.#kv.put("reportCalls", this.#number("reportCalls") + 1);
    this.#kv.put(
      "reportedChanges",
      this.#number("reportedChanges") + batch.presence.length + batch.events.length,
    );
  }

  reportStats(): { reportCalls: number; reportedChanges: number } {
    return {
      reportCalls: this.#number("reportCalls"),
      reportedChanges: this.#number("reportedChanges"),
    };
  }

  stateVersion(): StateVersion {
    return { presence: this.presence.version(), health: this.#number("healthVersion") };
  }

  health(): Health | undefined {
    return this.#kv.get<Health>("health");
  }

  /** Stores a probe; `true` when which checks pass changed (a new `stateVersion.health`). */
  storeHealth(health: Health): boolean {
    this.#kv.put("health", health);
    const signature = healthSignature(health);
    if (this.#kv.get<string>("healthSignature") === signature) return false;
    this.#kv.put("healthSignature", signature);
    this.#kv.put("healthVersion", this.#number("healthVersion") + 1);
    return true;
  }
}
