/** Sled timings and limits (docs/sleds.md), from wrangler vars with the documented defaults. */
import { positiveIntVar } from "../lib/vars.ts";

export interface SledConfig {
  /** From the upgrade to `identity` (else close 1008). */
  identityTimeoutMs: number;
  /** Without any frame for this long the sled is stale: close 1001, offline. */
  staleAfterMs: number;
  /** The last-frame time is written at most this often: a tenth of `staleAfterMs`, ≤ 1 s. */
  touchEveryMs: number;
  /** A pending approval is denied (`expired`) after this long. */
  approvalTimeoutMs: number;
  /** A relayed MCP call without an `mcp_response` for this long is answered with an error. */
  mcpTimeoutMs: number;
}

/** Decided approvals are kept this long (30 days), then purged. */
export const HISTORY_RETENTION_MS = 30 * 24 * 3600_000;
/** Largest uplink frame (UTF-8 bytes) before close 1009. */
export const MAX_FRAME_BYTES = 1_048_576;
/** Flood control per uplink: frames per second sustained, and the burst allowed above it. */
export const FRAME_RATE_PER_S = 50;
export const FRAME_BURST = 200;
/** Pending approvals one connection may hold; a request beyond it is denied at once. */
export const MAX_PENDING_PER_CONNECTION = 256;
/** MCP calls in flight per sled; beyond it a call is answered with an error at once. */
export const MAX_MCP_IN_FLIGHT = 64;

/** The wrangler vars the sleds read (all optional strings). */
export interface SledVars {
  SLED_IDENTITY_TIMEOUT_MS?: string;
  SLED_STALE_AFTER_MS?: string;
  SLED_APPROVAL_TIMEOUT_S?: string;
  SLED_MCP_TIMEOUT_MS?: string;
}

export function sledConfig(env: SledVars): SledConfig {
  const staleAfterMs = positiveIntVar(env.SLED_STALE_AFTER_MS, 30_000);
  return {
    identityTimeoutMs: positiveIntVar(env.SLED_IDENTITY_TIMEOUT_MS, 10_000),
    staleAfterMs,
    touchEveryMs: Math.min(1000, staleAfterMs / 10),
    approvalTimeoutMs: positiveIntVar(env.SLED_APPROVAL_TIMEOUT_S, 120) * 1000,
    mcpTimeoutMs: positiveIntVar(env.SLED_MCP_TIMEOUT_MS, 30_000),
  };
}
