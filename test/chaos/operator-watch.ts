/**
 * An operator watching the whole chaos run with the real `@openclaw/gateway-client` (which
 * reconnects by itself after a runtime restart): it records every event's `seq` per
 * connection and keeps a presence view — the last `hello-ok` snapshot plus every delta
 * since — that must end equal to what the gateway then says is present.
 */
import type { Gateway } from "../harness/gateway.ts";
import { connectRealClient, type RealClient } from "../harness/operator.ts";

/** What the watcher saw, for `checkOperators`. */
export interface OperatorRecord {
  /** Each connection's event seqs, in arrival order (a new connection starts a new list). */
  connections: number[][];
  /** Sequence gaps the reference client itself reported. */
  gaps: Array<{ expected: number; received: number }>;
  /** Instance ids in the view at the end (snapshot + deltas). */
  view: string[];
  /** Instance ids `system-presence` listed at the end. */
  present: string[];
}

export class OperatorWatch {
  readonly #client: RealClient;
  readonly #view = new Map<string, unknown>();
  #seen = 0;
  #hellos = 0;
  readonly connections: number[][] = [];

  private constructor(client: RealClient) {
    this.#client = client;
  }

  static async start(gateway: Gateway): Promise<OperatorWatch> {
    const client = await connectRealClient(gateway, {
      token: gateway.adminToken,
      scopes: ["operator.read"],
    });
    return new OperatorWatch(client);
  }

  /** Folds what arrived since the last call into the per-connection seqs and the view. */
  #catchUp(): void {
    const { hellos, events } = this.#client;
    // The client hands events and hellos to separate callbacks: a new hello resets the view
    // to its snapshot, then its connection's events apply in order.
    while (this.#hellos < hellos.length) {
      const hello = hellos[this.#hellos] as {
        snapshot: { presence: Array<{ instanceId: string }> };
      };
      this.#hellos += 1;
      this.#view.clear();
      for (const entry of hello.snapshot.presence) this.#view.set(entry.instanceId, entry);
    }
    for (; this.#seen < events.length; this.#seen += 1) {
      const event = events[this.#seen] as { event?: string; seq?: number; payload?: unknown };
      if (event.seq === 1 || this.connections.length === 0) this.connections.push([]);
      this.connections.at(-1)?.push(Number(event.seq));
      if (event.event !== "presence") continue;
      const delta = event.payload as { added: Array<{ instanceId: string }>; removed: string[] };
      for (const entry of delta.added) this.#view.set(entry.instanceId, entry);
      for (const id of delta.removed) this.#view.delete(id);
    }
  }

  /**
   * Waits (bounded) until the view equals what `system-presence` says, then records both.
   * A mismatch that outlasts `timeoutMs` is recorded as it is, for the invariant to report.
   */
  async settle(timeoutMs: number): Promise<OperatorRecord> {
    const deadline = Date.now() + timeoutMs;
    let present: string[] = [];
    for (;;) {
      const answer = await this.#client.request<Array<{ instanceId: string }>>("system-presence");
      present = answer.map((entry) => entry.instanceId).sort();
      this.#catchUp();
      const same = JSON.stringify([...this.#view.keys()].sort()) === JSON.stringify(present);
      const everyoneLeft = present.every((id) => id.startsWith("operator:"));
      if ((same && everyoneLeft) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      connections: this.connections,
      gaps: [...this.#client.gaps],
      view: [...this.#view.keys()].sort(),
      present,
    };
  }

  async stop(): Promise<void> {
    await this.#client.stop();
  }
}
