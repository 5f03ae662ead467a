/**
 * A `botgate mcp` bridge in a chaos run: a real bridge process (started by the real MCP
 * client over stdio) whose links go through the agent fault proxy, joined to one channel,
 * posting and reading through its tools at its own pace while sockets are cut, objects
 * evicted and the runtime restarted. Its reads (plus its own acked posts, which the SDK does
 * not echo back) form an `AgentRecord`, so the channel check holds it to the same rule as
 * every agent: each acked message once, in `seq` order, nothing missing.
 */
import { type Bridge, registeredAgent, startBridge } from "../harness/mcp.ts";
import { HANG_MS } from "../harness/until.ts";
import type { AgentRecord } from "./agent-client.ts";
import type { BridgeReads } from "./invariants.ts";
import type { Prng } from "./prng.ts";

/**
 * The MCP client's wait for one tool call: past the bridge's own wait (`--wait-ms`), so the
 * bridge always answers first (with its result or its error) and a slow call is never a
 * client-side timeout.
 */
const CALL_MS = HANG_MS * 2;

export interface ChaosBridgeOptions {
  /** The gateway (registration) and the proxy its links dial. */
  gatewayOrigin: string;
  proxyOrigin: string;
  dir: string;
  user: string;
  channel: string;
  random: Prng;
  /** Pause between two rounds of post + read. */
  everyMs: [number, number];
  /** Under the run's agent heartbeat timeout. */
  pingMs: number;
}

type Message = { seq: number; from: string; text: string; payload: unknown };

export class ChaosBridge {
  readonly record: AgentRecord;
  readonly reads: BridgeReads;
  readonly #o: ChaosBridgeOptions;
  #bridge: Bridge | null = null;
  #posting = false;
  #loop: Promise<void> = Promise.resolve();
  #posts = 0;

  constructor(options: ChaosBridgeOptions) {
    this.#o = options;
    this.record = {
      channel: options.channel,
      path: `${options.user}/box/mcp`,
      startSeq: null,
      received: [],
      gaps: [],
      posts: new Map(),
      whispers: new Map(),
      established: 1,
      caughtUpSeq: 0,
      closes: new Map(),
      errors: new Map(),
      fatal: null,
      log: [],
    };
    this.reads = { path: this.record.path, reads: [], failedCalls: [] };
  }

  /** Registers, spawns the bridge, joins, and starts posting and reading. */
  async start(): Promise<void> {
    const { keyFile } = await registeredAgent(this.#o.gatewayOrigin, this.#o.dir, this.#o.user);
    this.#bridge = await startBridge([
      "--url",
      this.#o.proxyOrigin,
      "--key",
      keyFile,
      // A tool call may span an outage and the link's backoff after it (up to 30 s between
      // dials), slower still on a busy machine: its wait is a hang bound, not a pace.
      "--wait-ms",
      String(HANG_MS),
      "--ping-ms",
      String(this.#o.pingMs),
    ]);
    const joined = await this.#bridge.callUntil(
      "join",
      { channel: this.#o.channel },
      (a) => !a.isError,
      "the bridge's join",
    );
    this.record.startSeq = Number(joined.structured?.seq);
    this.record.caughtUpSeq = this.record.startSeq;
    this.#posting = true;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (this.#posting) {
      await this.#post();
      await this.read();
      await new Promise((resolve) => setTimeout(resolve, this.#o.random.int(...this.#o.everyMs)));
    }
  }

  async #post(): Promise<void> {
    const bridge = this.#bridge;
    if (!bridge) return;
    this.#posts += 1;
    const id = `mcp-${this.#posts}`;
    const text = `${this.record.path} ${this.#posts}`;
    const post: { payload: unknown; seq: number | null } = { payload: { text }, seq: null };
    this.record.posts.set(id, post);
    const answer = await bridge.call("post", { channel: this.#o.channel, text }, CALL_MS);
    if (answer.isError) {
      this.reads.failedCalls.push(`post ${id}: ${answer.text}`);
      return;
    }
    post.seq = Number(answer.structured?.seq);
    // The SDK does not echo our own posts: they are in the stream at their seq all the same.
    this.#take([{ seq: post.seq, from: this.record.path, text, payload: { text } }]);
  }

  /** One `read` of the channel, appended to the record. */
  async read(): Promise<void> {
    const answer = await this.#bridge?.call("read", { channel: this.#o.channel }, CALL_MS);
    if (!answer) return;
    if (answer.isError) {
      this.reads.failedCalls.push(`read: ${answer.text}`);
      return;
    }
    const [batch] = (answer.structured?.channels ?? []) as Array<{
      messages: Message[];
      gap_from_seq?: number;
    }>;
    if (batch?.gap_from_seq !== undefined) {
      this.record.gaps.push({ sinceSeq: this.#nextDue() - 1, fromSeq: batch.gap_from_seq });
    }
    this.reads.reads.push((batch?.messages ?? []).map((m) => m.seq));
    this.#take(batch?.messages ?? []);
  }

  /**
   * The record in `seq` order: own posts and reads interleave by `seq` (the order of the
   * reads themselves is checked by `checkBridgeReads`); a message read twice stays twice.
   */
  #take(messages: Message[]): void {
    for (const m of messages) {
      this.record.received.push({
        seq: m.seq,
        from: m.from,
        payload: m.payload,
        socket: 1,
        replay: false,
      });
    }
    this.record.received.sort((a, b) => a.seq - b.seq);
    this.record.caughtUpSeq = this.#nextDue() - 1;
  }

  /**
   * The first `seq` after the start point this bridge has neither read nor posted (a
   * reported gap excused). Not the highest `seq` seen: an own post acked while older
   * messages still wait unread (a read returns at most its limit) is past them.
   */
  #nextDue(): number {
    const have = new Set(this.record.received.map((r) => r.seq));
    const excused = (seq: number) =>
      this.record.gaps.some((g) => seq > g.sinceSeq && seq < g.fromSeq);
    let due = (this.record.startSeq ?? 0) + 1;
    while (have.has(due) || excused(due)) due += 1;
    return due;
  }

  async stopPosting(): Promise<void> {
    this.#posting = false;
    await this.#loop;
  }

  /** Reads until everything up to `seq` has been read or posted (or `timeoutMs` passed). */
  async drain(seq: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.record.caughtUpSeq < seq && Date.now() < deadline) {
      await this.read();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async dispose(): Promise<void> {
    this.#posting = false;
    await this.#bridge?.close().catch(() => {});
    this.#bridge = null;
  }
}
