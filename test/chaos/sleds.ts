/**
 * Sleds in the chaos run. Contract sleds (`test/harness/sled.ts`, the huskies wire format)
 * hold their uplinks through a cut proxy and re-dial when one drops, as a real sled does;
 * all through the run they ask for approvals and answer relayed MCP calls from their local
 * MCP server. An operator on the real OpenClaw client answers the approvals it is told of
 * over `POST /api/approvals/{id}/resolve` — most after a short while, some twice at the same
 * moment with different answers, some after they expired, some never (they expire) — and
 * MCP clients call each sled's tools through `POST /mcp/sleds/{project}`, two at a time per
 * sled, some slower than the relay's timeout. The run's cuts, evictions, restarts and outages
 * hit all of it; `finish()` reads back what each sled object stored, for `checkSleds`.
 */
import type { CutProxy } from "../harness/cut-proxy.ts";
import type { Gateway } from "../harness/gateway.ts";
import { connectRealClient, type RealClient } from "../harness/operator.ts";
import { type LocalMcp, registerSled, startLocalMcp, TestSled } from "../harness/sled.ts";
import { HANG_MS, until } from "../harness/until.ts";
import { Prng } from "./prng.ts";

/** Runtime vars of the run's sleds: approvals expire after 3 s, relayed calls after 4 s. */
export const SLED_CHAOS_VARS = { SLED_APPROVAL_TIMEOUT_S: "3", SLED_MCP_TIMEOUT_MS: "4000" };
const MCP_TIMEOUT_MS = Number(SLED_CHAOS_VARS.SLED_MCP_TIMEOUT_MS);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `perm_request` a sled sent, on its `uplink`-th connection. */
export interface SledAsk {
  project: string;
  reqId: string;
  uplink: number;
}

/** Every `perm_response` a sled received, with the connection it came on. */
export interface SledAnswer {
  project: string;
  reqId: string;
  uplink: number;
  approved: boolean;
  alwaysAllow: boolean;
}

/** One relayed `tools/call` and how it ended. */
export interface SledCall {
  project: string;
  id: number;
  /** What the tool must answer (`echo`: the text; `slow`: `slept <ms>`). */
  expected: string;
  /** `result`, `error <code>`, `mismatch …`, `http <status>`, `unreachable` or `hang`. */
  outcome: string;
}

/** One answer of `POST /api/approvals/{id}/resolve`. */
export interface SledResolve {
  id: string;
  decision: string;
  applied: boolean;
  /** The recorded outcome the answer carried. */
  status: string;
  recordedDecision: string | null;
  resolvedBy: string | null;
}

/** An approval as the sled object stored it. */
export interface StoredApproval {
  id: string;
  project: string;
  req_id: string;
  status: string;
  decision: string | null;
  reason: string | null;
  resolved_by: string | null;
}

export interface SledEvidence {
  asks: SledAsk[];
  answers: SledAnswer[];
  /** `project#uplink` of the connections still open when the run ended. */
  openAtEnd: Set<string>;
  stored: StoredApproval[];
  resolves: SledResolve[];
  calls: SledCall[];
}

interface SledContext {
  gateway: Gateway;
  proxy: CutProxy;
  local: LocalMcp;
  random: Prng;
}

interface Uplink {
  n: number;
  sled: TestSled;
  closed: boolean;
}

/** One sled: its re-dialling uplink, its requests and its MCP callers. */
class ChaosSled {
  readonly uplinks: Uplink[] = [];
  readonly asks: SledAsk[] = [];
  readonly calls: SledCall[] = [];
  #stopped = false;
  #driving = true;
  #loops: Promise<void>[] = [];
  #asked = 0;
  #called = 0;

  readonly project: string;
  readonly token: string;
  readonly #ctx: SledContext;

  constructor(project: string, token: string, ctx: SledContext) {
    this.project = project;
    this.token = token;
    this.#ctx = ctx;
  }

  get live(): Uplink | null {
    const last = this.uplinks.at(-1);
    return last && !last.closed ? last : null;
  }

  start(askEveryMs: [number, number], callEveryMs: [number, number]): void {
    this.#loops = [
      this.#dial(),
      this.#ask(askEveryMs),
      this.#call(callEveryMs),
      this.#call(callEveryMs),
    ];
  }

  async #dial(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let sled: TestSled;
      try {
        sled = await TestSled.connect(this.#ctx.gateway, {
          token: this.token,
          project: this.project,
          heartbeatMs: 1000,
          mcpUrl: this.#ctx.local.url,
          origin: this.#ctx.proxy.origin,
        });
      } catch {
        // Refused (an outage) or cut while dialling: back off and dial again.
        failures += 1;
        await sleep(Math.min(2000, 100 * 2 ** failures));
        continue;
      }
      failures = 0;
      const uplink: Uplink = { n: this.uplinks.length + 1, sled, closed: false };
      this.uplinks.push(uplink);
      if (sled.socket.ws.readyState !== sled.socket.ws.CLOSED) {
        await new Promise<void>((resolve) => sled.socket.ws.once("close", () => resolve()));
      }
      uplink.closed = true;
      sled.stopHeartbeat();
      if (!this.#stopped) await sleep(this.#ctx.random.int(50, 400));
    }
  }

  async #ask([min, max]: [number, number]): Promise<void> {
    while (this.#driving) {
      await sleep(this.#ctx.random.int(min, max));
      const uplink = this.live;
      if (!uplink || !this.#driving) continue;
      this.#asked += 1;
      const reqId = `${this.project}-q${this.#asked}`;
      this.asks.push({ project: this.project, reqId, uplink: uplink.n });
      uplink.sled.ask(reqId, "Bash", { command: `chaos ${reqId}` });
    }
  }

  async #call([min, max]: [number, number]): Promise<void> {
    const url = new URL(`/mcp/sleds/${this.project}`, this.#ctx.gateway.url).href;
    while (this.#driving) {
      await sleep(this.#ctx.random.int(min, max));
      if (!this.#driving) break;
      this.#called += 1;
      const id = this.#called;
      // One call in five is slow, some of them slower than the relay's timeout.
      const ms = this.#ctx.random.chance(0.2)
        ? this.#ctx.random.int(200, MCP_TIMEOUT_MS + 1500)
        : -1;
      const text = `${this.project}-c${id}`;
      const call: SledCall = {
        project: this.project,
        id,
        expected: ms < 0 ? text : `slept ${ms}`,
        outcome: "pending",
      };
      this.calls.push(call);
      call.outcome = await relayCall(
        url,
        this.#ctx.gateway.adminToken,
        id,
        ms < 0 ? { name: "echo", arguments: { text } } : { name: "slow", arguments: { ms } },
        call.expected,
      );
    }
  }

  /** No new requests or calls; waits (bounded) for the calls in flight to end. */
  async stopDriving(): Promise<void> {
    this.#driving = false;
    await Promise.all(this.#loops.slice(1));
  }

  async close(): Promise<void> {
    this.#stopped = true;
    for (const uplink of this.uplinks) if (!uplink.closed) uplink.sled.close();
    await Promise.race([this.#loops[0], sleep(5000)]);
  }
}

/** One `tools/call` through the relay, classified; an answer later than HANG_MS is a hang. */
async function relayCall(
  url: string,
  token: string,
  id: number,
  params: Record<string, unknown>,
  expected: string,
): Promise<string> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    text = await response.text();
  } catch (err) {
    return (err as Error).name === "TimeoutError" ? "hang" : "unreachable";
  }
  if (response.status !== 200) return `http ${response.status}`;
  const answer = JSON.parse(text) as {
    id?: unknown;
    result?: { content?: Array<{ text?: string }> };
    error?: { code?: number };
  };
  if (answer.error) return `error ${answer.error.code}`;
  const got = answer.result?.content?.[0]?.text;
  if (answer.id !== id || got !== expected) {
    return `mismatch: id ${String(answer.id)} answered ${JSON.stringify(got)} for ${id} (${expected})`;
  }
  return "result";
}

/** `POST /api/approvals/{id}/resolve` once; `null` when it got no 200 answer. */
async function resolveOnce(
  gateway: Gateway,
  id: string,
  decision: string,
): Promise<SledResolve | null> {
  try {
    const response = await fetch(
      new URL(`/api/approvals/${encodeURIComponent(id)}/resolve`, gateway.url),
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.adminToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ decision }),
        signal: AbortSignal.timeout(HANG_MS),
      },
    );
    if (response.status !== 200) return null;
    const body = (await response.json()) as {
      applied: boolean;
      approval: { status: string; decision: string | null; resolvedBy: string | null };
    };
    return {
      id,
      decision,
      applied: body.applied,
      status: body.approval.status,
      recordedDecision: body.approval.decision,
      resolvedBy: body.approval.resolvedBy,
    };
  } catch {
    return null;
  }
}

/** The operator answering approvals (real OpenClaw client for the events, HTTP to resolve). */
class Approver {
  readonly resolves: SledResolve[] = [];
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  readonly #pending = new Set<Promise<void>>();

  readonly #gateway: Gateway;
  readonly #client: RealClient;
  readonly #random: Prng;

  constructor(gateway: Gateway, client: RealClient, random: Prng) {
    this.#gateway = gateway;
    this.#client = client;
    this.#random = random;
  }

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        let event: Record<string, unknown>;
        try {
          event = await this.#client.waitFor(
            (e) => e.event === "exec.approval.requested",
            1000,
            "exec.approval.requested",
          );
        } catch {
          continue; // nothing asked for a second
        }
        const id = String((event.payload as { id?: unknown }).id);
        const done = this.#answer(id).finally(() => this.#pending.delete(done));
        this.#pending.add(done);
      }
    })();
  }

  /** Most at once or soon; one in four twice at the same moment; some late; some never. */
  async #answer(id: string): Promise<void> {
    const draw = this.#random.next();
    if (draw < 0.15) return; // never answered: it expires
    const late = draw < 0.3;
    await sleep(late ? this.#random.int(3500, 5000) : this.#random.int(0, 1500));
    const first = this.#random.chance(0.7)
      ? "allow-once"
      : this.#random.chance(0.5)
        ? "deny"
        : "allow-always";
    if (this.#random.chance(0.25)) {
      const other = first === "deny" ? "allow-once" : "deny";
      await Promise.all([this.#resolve(id, first), this.#resolve(id, other)]);
    } else {
      await this.#resolve(id, first);
    }
  }

  async #resolve(id: string, decision: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await resolveOnce(this.#gateway, id, decision);
      if (answer) {
        this.resolves.push(answer);
        return;
      }
      // The runtime restarting under the call: ask again (the first answer still wins).
      await sleep(500);
    }
  }

  #stopping: Promise<void> | null = null;

  /** Stops listening, lets the answers under way finish, disconnects (once). */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping ??= (async () => {
      await this.#loop;
      await Promise.all([...this.#pending]);
      await this.#client.stop();
    })();
    return this.#stopping;
  }
}

/** The run's sleds and their operator. */
export class ChaosSleds {
  readonly #sleds: ChaosSled[];
  readonly #approver: Approver;
  readonly #local: LocalMcp;
  readonly #gateway: Gateway;

  private constructor(gateway: Gateway, sleds: ChaosSled[], approver: Approver, local: LocalMcp) {
    this.#gateway = gateway;
    this.#sleds = sleds;
    this.#approver = approver;
    this.#local = local;
  }

  /** Registers `count` sleds, connects them through `proxy`, and starts everything. */
  static async start(
    gateway: Gateway,
    proxy: CutProxy,
    options: {
      seed: number;
      count: number;
      askEveryMs: [number, number];
      callEveryMs: [number, number];
    },
  ): Promise<ChaosSleds> {
    const local = await startLocalMcp();
    const client = await connectRealClient(gateway, {
      token: gateway.adminToken,
      scopes: ["operator.read", "operator.approvals"],
    });
    const approver = new Approver(gateway, client, new Prng(options.seed, "sleds/approver"));
    const sleds: ChaosSled[] = [];
    for (let i = 0; i < options.count; i += 1) {
      const project = `chaos-sled-${i}`;
      const token = await registerSled(gateway, project);
      sleds.push(
        new ChaosSled(project, token, {
          gateway,
          proxy,
          local,
          random: new Prng(options.seed, `sleds/${i}`),
        }),
      );
    }
    approver.start();
    for (const sled of sleds) sled.start(options.askEveryMs, options.callEveryMs);
    await Promise.all(
      sleds.map((sled) =>
        until(() => sled.live ?? undefined, `${sled.project}'s first uplink`, HANG_MS),
      ),
    );
    return new ChaosSleds(gateway, sleds, approver, local);
  }

  /** Sled object names, for evictions. */
  get projects(): string[] {
    return this.#sleds.map((s) => s.project);
  }

  /**
   * Ends the sled part of the run: no new requests or calls, the calls in flight end, the
   * approvals left pending expire (bounded), then what each object stored is read back and
   * the sleds disconnect.
   */
  async finish(): Promise<SledEvidence> {
    await Promise.all(this.#sleds.map((s) => s.stopDriving()));
    const stored = async () => {
      const rows: StoredApproval[] = [];
      for (const sled of this.#sleds) {
        const sql = await this.#gateway.harness
          .getWorker()
          .getDurableObjectStorage("SLED", { name: sled.project });
        const found = (await sql.exec(
          "SELECT id, req_id, status, decision, reason, resolved_by FROM approvals",
        )) as unknown as Omit<StoredApproval, "project">[];
        rows.push(...found.map((row) => ({ ...row, project: sled.project })));
      }
      return rows;
    };
    // Every request still pending expires within 3 s; a pending one left after HANG_MS is
    // reported by the check.
    const deadline = Date.now() + HANG_MS;
    let rows = await stored();
    while (rows.some((row) => row.status === "pending") && Date.now() < deadline) {
      await sleep(250);
      rows = await stored();
    }
    await this.#approver.stop();
    const answers: SledAnswer[] = [];
    const openAtEnd = new Set<string>();
    for (const sled of this.#sleds) {
      for (const uplink of sled.uplinks) {
        if (!uplink.closed) openAtEnd.add(`${sled.project}#${uplink.n}`);
        for (const frame of uplink.sled.socket.frames) {
          if (frame.type !== "perm_response") continue;
          const payload = frame.payload as { approved?: boolean; always_allow?: boolean };
          answers.push({
            project: sled.project,
            reqId: String(frame.req_id),
            uplink: uplink.n,
            approved: payload.approved === true,
            alwaysAllow: payload.always_allow === true,
          });
        }
      }
    }
    const evidence: SledEvidence = {
      asks: this.#sleds.flatMap((s) => s.asks),
      answers,
      openAtEnd,
      stored: rows,
      resolves: this.#approver.resolves,
      calls: this.#sleds.flatMap((s) => s.calls),
    };
    await this.close();
    return evidence;
  }

  async close(): Promise<void> {
    await Promise.all(this.#sleds.map((s) => s.close()));
    await this.#approver.stop();
    await this.#local.close();
  }
}
