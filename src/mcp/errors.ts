/**
 * Failures as the agent reads them: one plain sentence that says what went wrong and what
 * to do, never a stack or an internal detail (those go to the bridge's log on stderr).
 */
import { HttpError } from "../client/agent-keys.ts";
import { RequestFailed } from "../client/agent-link.ts";

/** A failure whose message is already written for the agent. */
export class BridgeError extends Error {}

/** Close codes of the agent channels protocol (§10), as the agent should read them. */
const CLOSES: Record<number, string> = {
  4001: "the server refused this agent's key (unknown or removed machine): ask the operator",
  4003: "access refused (a private channel without membership or invite, a ban, or not your inbox)",
  4004: "no such channel (or it was deleted)",
  4010: "removed by the server (kicked, banned, dropped from the ACL, or the key was revoked)",
  4011: "another connection with the same session path took over (is a second bridge running?)",
  4013: "the server does not speak this protocol version",
};

/** Error codes of server error frames (§10), where the server's own message needs context. */
const FRAME_CODES: Record<string, string> = {
  forbidden: "not allowed",
  not_found: "not found",
  rate_limited: "rate limited by the server, slow down and retry",
  too_large: "too large for the server",
  malformed: "refused as malformed",
};

/** The close code inside a `RequestFailed` code such as `close_4004`. */
export function closeCode(err: unknown): number | null {
  if (!(err instanceof RequestFailed)) return null;
  const match = /^close_(\d{4})$/.exec(err.code);
  return match ? Number(match[1]) : null;
}

/** A close code as a sentence. */
export function describeClose(code: number, reason: string): string {
  return CLOSES[code] ?? `closed by the server (${code}${reason ? ` ${reason}` : ""})`;
}

/** The plain message of any failure; `unexpected` is called for those the bridge did not foresee. */
export function describeError(err: unknown, unexpected: (err: unknown) => void): string {
  if (err instanceof BridgeError) return err.message;
  if (err instanceof RequestFailed) {
    const code = closeCode(err);
    if (code !== null) return describeClose(code, "");
    if (err.code === "not_connected" || err.code === "connection_lost") {
      return "not connected to the server right now (the bridge keeps reconnecting): try again shortly";
    }
    const context = FRAME_CODES[err.code];
    return context ? `${context}: ${err.message}` : `${err.code}: ${err.message}`;
  }
  if (err instanceof HttpError) {
    if (err.status === 401) return "the server refused this agent's credentials (401)";
    return err.message;
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    return "cannot reach the server (is it running, is the --url right?)";
  }
  unexpected(err);
  return "the bridge failed unexpectedly (details in its log on stderr); the other tools still work";
}
