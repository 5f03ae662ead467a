/** Shared pieces of the benchmark suites: figures, percentiles, bounded waits, memory. */
import { readdirSync, readFileSync } from "node:fs";

/** Which way a figure improves: the reading of its ratio depends on it. */
export type Better = "higher" | "lower";

/** The same figure measured on another system in the same run. */
export interface Comparison {
  /** The other system, e.g. "socket.io room". */
  against: string;
  value: number;
}

/** One printed row. */
export interface Figure {
  suite: string;
  figure: string;
  value: number;
  unit: string;
  /** Set on figures where a direction means something (latency: lower; throughput: higher). */
  better?: Better;
  /**
   * The same figure on other systems. Printed as `botgate / other` for each, so a ratio
   * above 1 is botgate ahead when higher is better and behind when lower is better.
   */
  comparisons?: Comparison[];
  /** How the figure is measured: what is and is not inside it. Printed as a numbered note. */
  method: string;
}

/** A suite: a bounded, loopback-only run that returns its figures and stops by itself. */
export type Suite = () => Promise<Figure[]>;

/** Nearest-rank percentile of `samples` (0 < p ≤ 100); NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** `botgate / other`, the one way every ratio in the table reads. */
export function ratioOf(botgate: number, other: number): number {
  return botgate / other;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects with a message naming `what` unless `promise` settles within `ms`. */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: no ${what} within ${ms} ms`)), ms);
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

/** Runs `task(0…count-1)` with at most `limit` in flight; stops starting new ones at `deadline`. */
export async function pool<T>(
  count: number,
  limit: number,
  task: (i: number) => Promise<T>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count && Date.now() < deadline) {
        const i = next;
        next += 1;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Resident memory (kB) of one process, 0 if it is gone. */
export function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The pids of workerd processes descended from this one (Linux only: reads /proc). */
export function workerdPids(): Set<number> {
  const parents = new Map<number, number>();
  const pids = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close).startsWith("workerd")) pids.add(pid);
      parents.set(pid, Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // the process exited while we were looking
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) return true;
    }
    return false;
  };
  return new Set([...pids].filter(descends));
}

/**
 * CPU time (ms, user + system, every thread) `pids` have used so far (Linux only: reads
 * /proc/<pid>/stat, whose times are in USER_HZ = 100 ticks a second, so 10 ms steps).
 */
export function cpuMs(pids: Iterable<number>): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process exited
    }
  }
  return ticks * 10;
}

/** Total resident memory (kB) of `pids`. */
export function totalRssKb(pids: Iterable<number>): number {
  let total = 0;
  for (const pid of pids) total += rssKb(pid);
  return total;
}

/** Runs `start` and returns the workerd processes it launched, to measure that runtime alone. */
export async function launchedWorkerd<T>(
  start: () => Promise<T>,
): Promise<{ value: T; pids: number[] }> {
  const before = workerdPids();
  const value = await start();
  return { value, pids: [...workerdPids()].filter((pid) => !before.has(pid)) };
}
