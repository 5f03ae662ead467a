/**
 * Health of the deployment as operators see it (`health` method, `snapshot.health`, the
 * `health` event): the D1 registry answers a query and a Durable Object answers an RPC,
 * each within a bound. The shape is the official snapshot `health` object: `ok` (present,
 * and `true`, only when every check passed: the schema allows no `false`), `ts`,
 * `durationMs`, and **(ours)** one entry per check under `channels` with its label.
 */
import { describeError, log } from "../lib/log.ts";

/** One check's outcome. */
export interface CheckResult {
  ok: boolean;
  durationMs: number;
  /** A short reason when it failed (never internals). */
  error?: string;
}

export interface Health {
  ok?: true;
  ts: number;
  durationMs: number;
  channels: Record<string, CheckResult>;
  channelOrder: string[];
  channelLabels: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 3_000;

const CHECKS: Array<{ id: string; label: string; run(env: Env): Promise<unknown> }> = [
  {
    id: "registry",
    label: "D1 registry",
    run: (env) => env.DB.prepare("SELECT 1 AS ok").first(),
  },
  {
    id: "objects",
    label: "Durable Objects (matchmaker RPC)",
    run: (env) => env.MATCHMAKER.getByName("nlhe-hu").status("health-probe"),
  },
];

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Runs every check (in parallel, each bounded). */
export async function probeHealth(env: Env): Promise<Health> {
  const started = Date.now();
  const results = await Promise.all(
    CHECKS.map(async (check): Promise<[string, CheckResult]> => {
      const t0 = Date.now();
      try {
        await withTimeout(check.run(env), CHECK_TIMEOUT_MS);
        return [check.id, { ok: true, durationMs: Date.now() - t0 }];
      } catch (err) {
        log("warn", "operator_health_check_failed", { check: check.id, error: describeError(err) });
        return [check.id, { ok: false, durationMs: Date.now() - t0, error: "unreachable" }];
      }
    }),
  );
  const channels = Object.fromEntries(results);
  return {
    ...(results.every(([, r]) => r.ok) ? { ok: true as const } : {}),
    ts: Date.now(),
    durationMs: Date.now() - started,
    channels,
    channelOrder: CHECKS.map((c) => c.id),
    channelLabels: Object.fromEntries(CHECKS.map((c) => [c.id, c.label])),
  };
}

/** What a `health` event announces a change of: which checks pass. */
export function healthSignature(health: Health): string {
  return Object.entries(health.channels)
    .map(([id, r]) => `${id}:${r.ok ? 1 : 0}`)
    .join(",");
}
