/**
 * MCP calls relayed to a sled (sled-uplink.md §3), in memory: the caller's RPC holds the
 * object in place while it waits, so a call cannot outlive its isolate (a restart fails the
 * RPC, which the caller answers as an error). Correlated by `req_id` only; every call ends
 * exactly once — with the sled's `mcp_response`, at its timeout, or at once when the uplink
 * drops.
 */

export type RelayOutcome =
  | { ok: true /** The sled's JSON-RPC response, JSON text. */; response: string }
  | { ok: false; error: "sled offline" | "sled disconnected" | "sled timeout" | "sled busy" };

interface InFlight {
  connId: string;
  done: (outcome: RelayOutcome) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class McpRelay {
  readonly #inFlight = new Map<string, InFlight>();

  readonly #maxInFlight: number;

  constructor(maxInFlight: number) {
    this.#maxInFlight = maxInFlight;
  }

  get size(): number {
    return this.#inFlight.size;
  }

  /** Sends one call through `send` (which gets the fresh `req_id`) and waits for its end. */
  call(connId: string, send: (reqId: string) => void, timeoutMs: number): Promise<RelayOutcome> {
    if (this.#inFlight.size >= this.#maxInFlight) {
      return Promise.resolve({ ok: false, error: "sled busy" });
    }
    const reqId = `mcp-${crypto.randomUUID()}`;
    return new Promise<RelayOutcome>((resolve) => {
      const timer = setTimeout(
        () => this.#end(reqId, { ok: false, error: "sled timeout" }),
        timeoutMs,
      );
      this.#inFlight.set(reqId, { connId, done: resolve, timer });
      try {
        send(reqId);
      } catch {
        this.#end(reqId, { ok: false, error: "sled disconnected" });
      }
    });
  }

  /** An `mcp_response` from `connId`; `false` for an unknown `req_id` (or another connection's). */
  settle(connId: string, reqId: string, response: string): boolean {
    const call = this.#inFlight.get(reqId);
    if (!call || call.connId !== connId) return false;
    this.#end(reqId, { ok: true, response });
    return true;
  }

  /** The uplink `connId` dropped: each of its calls ends with `sled disconnected` now. */
  dropConnection(connId: string): number {
    let ended = 0;
    for (const [reqId, call] of this.#inFlight) {
      if (call.connId !== connId) continue;
      this.#end(reqId, { ok: false, error: "sled disconnected" });
      ended += 1;
    }
    return ended;
  }

  #end(reqId: string, outcome: RelayOutcome): void {
    const call = this.#inFlight.get(reqId);
    if (!call) return;
    this.#inFlight.delete(reqId);
    clearTimeout(call.timer);
    call.done(outcome);
  }
}
