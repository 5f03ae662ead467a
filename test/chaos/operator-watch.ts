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

  /**
   * Folds what arrived since the last call into the per-connection seqs and the view: the
   * view is the newest hello-ok's snapshot plus the events of that connection (those that
   * arrived after it), in order.
   */
  #catchUp(): void {
    const { hellos, helloAt, events } = this.#client;
    for (; this.#seen < events.length; this.#seen += 1) {
      const event = events[this.#seen] as { seq?: number };
      if (event.seq === 1 || this.connections.length === 0) this.connections.push([]);
      this.connections.at(-1)?.push(Number(event.seq));
    }
    const last = hellos.length - 1;
    const hello = hellos[last] as { snapshot: { presence: Array<{ instanceId: string }> } };
    this.#view.clear();
    for (const entry of hello.snapshot.presence) this.#view.set(entry.instanceId, entry);
    for (const event of events.slice(helloAt[last] ?? 0) as Array<{
      event?: string;
      payload?: unknown;
    }>) {
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
