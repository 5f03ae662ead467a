/**
 * The fault schedule of a chaos run, drawn in full from the seed before anything starts:
 * when each fault happens, what kind it is, and the draws that pick its target among
 * whatever is live at that moment. The same seed always gives the same plan (and the same
 * fingerprint); only the concrete targets depend on timing (which sockets happen to be open).
 */
import { Prng } from "./prng.ts";

export const FAULT_KINDS = [
  "cut_match",
  "cut_lobby",
  "cut_agent",
  "cut_all",
  "delay",
  "stall",
  "evict_match",
  "evict_bot",
  "evict_channel",
  "evict_inbox",
  "restart",
  "revoke",
  "outage",
  "cut_sled",
  "evict_sled",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One planned fault: `at` ms after the fault phase starts; `draws` in [0, 1) pick targets. */
export interface PlannedFault {
  at: number;
  kind: FaultKind;
  draws: [number, number, number];
}

export interface PlanOptions {
  durationMs: number;
  /** Pause between two ordinary faults, drawn uniformly in this range. */
  gapMs: [number, number];
  /** Runtime restarts, spread over the run. */
  restarts: number;
  /** Token revocations mid-match, spread over the run. */
  revocations: number;
  /** Outages (the gateway down for a while, runtime restarted), spread over the run. */
  outages?: number;
  /** Sleds are in the run: their uplinks are cut and their objects evicted too. */
  sleds?: boolean;
}

/** Relative frequency of the ordinary faults (restarts, revocations, outages are counted apart). */
const WEIGHTS = {
  cut_match: 5,
  cut_lobby: 2,
  cut_agent: 4,
  cut_all: 0.5,
  delay: 3,
  stall: 2,
  evict_match: 3,
  evict_bot: 1,
  evict_channel: 2,
  evict_inbox: 1,
} as const;

/** The whole fault schedule of `seed`, sorted by time. */
export function planFaults(seed: number, options: PlanOptions): PlannedFault[] {
  const random = new Prng(seed, "faults");
  const draws = (): [number, number, number] => [random.next(), random.next(), random.next()];
  const plan: PlannedFault[] = [];
  const [minGap, maxGap] = options.gapMs;
  for (
    let at = random.int(minGap, maxGap);
    at < options.durationMs;
    at += random.int(minGap, maxGap)
  ) {
    plan.push({ at, kind: random.weighted(WEIGHTS), draws: draws() });
  }
  // Spread the rare, heavy faults evenly (each in its own slice of the run, jittered), so a
  // short run still gets them and they never pile up at one moment.
  const spread = (kind: "restart" | "revoke" | "outage", count: number, offset: number) => {
    for (let i = 0; i < count; i += 1) {
      const slice = options.durationMs / count;
      const at = Math.round(slice * (i + offset + (random.next() - 0.5) * 0.4));
      plan.push({ at: Math.max(1, Math.min(options.durationMs - 1, at)), kind, draws: draws() });
    }
  };
  spread("restart", options.restarts, 0.6);
  spread("revoke", options.revocations, 0.3);
  // Last, so a plan without outages draws exactly what it drew before they existed.
  spread("outage", options.outages ?? 0, 0.45);
  if (options.sleds) {
    // From a stream of their own, at twice the ordinary gap: the rest of the plan is the same
    // with or without sleds.
    const sleds = new Prng(seed, "sled-faults");
    for (let at = sleds.int(minGap, maxGap) * 2; at < options.durationMs; ) {
      const kind = sleds.chance(0.6) ? "cut_sled" : "evict_sled";
      plan.push({ at, kind, draws: [sleds.next(), sleds.next(), sleds.next()] });
      at += sleds.int(minGap, maxGap) * 2;
    }
  }
  return plan.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
}

/** A short stable digest of a plan: equal plans print equal fingerprints. */
export function fingerprint(plan: readonly PlannedFault[]): string {
  const text = JSON.stringify(plan);
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i += 1) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** Index into a list of `length` targets from a draw in [0, 1). */
export function pickIndex(draw: number, length: number): number {
  return Math.min(length - 1, Math.floor(draw * length));
}
