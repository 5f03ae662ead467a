/**
 * The bridge in one process for unit tests: `createBridge` with fakes of the SDK's network
 * parts (an `AgentClient` whose answers the test sets, `runBot` whose frames the test
 * sends), connected to the real MCP `Client` over the SDK's `InMemoryTransport`.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { AgentClientOptions, AgentEvent } from "../../../src/client/agent-client.ts";
import type { ListedChannel } from "../../../src/client/agent-http.ts";
import type { AgentKey } from "../../../src/client/agent-keys.ts";
import { MemorySeqStore } from "../../../src/client/agent-link.ts";
import type { ChallengeAnswer } from "../../../src/client/bot-http.ts";
import type { RunBotOptions, RunBotResult } from "../../../src/client/run-bot.ts";
import type {
  Bot,
  BotFactory,
  Decision,
  MatchStart,
  TurnRequest,
} from "../../../src/client/types.ts";
import type { AgentLike } from "../../../src/mcp/agent-hub.ts";
import { type Bridge, createBridge } from "../../../src/mcp/server.ts";
import { config } from "../poker/helpers.ts";

/** A scriptable `AgentClient`: each method answers with the handler the test set. */
export class FakeAgent implements AgentLike {
  readonly options: AgentClientOptions;
  readonly listeners = new Set<(event: AgentEvent) => void>();
  readonly calls: Array<[string, ...unknown[]]> = [];
  joinAnswer: (channel: string) => Promise<{ channel: unknown; seq: number; admin: boolean }> = (
    channel,
  ) =>
    Promise.resolve({
      channel: { name: channel, visibility: "public", topic: "" },
      seq: 0,
      admin: false,
    });
  inboxAnswer: () => Promise<{ admin: boolean }> = () => Promise.resolve({ admin: false });
  postAnswer: () => Promise<{ id: string; seq: number; ts: number }> = () =>
    Promise.resolve({ id: "x", seq: 1, ts: Date.UTC(2026, 0, 1, 10, 4, 5) });
  whisperAnswer: () => Promise<"delivered" | "queued"> = () => Promise.resolve("queued");
  whoAnswer: () => Promise<Array<{ path: string; since: number }>> = () => Promise.resolve([]);
  adminAnswer: (op: string) => Promise<Record<string, unknown>> = (op) =>
    Promise.resolve({ type: "admin_result", ok: true, op });

  constructor(options: AgentClientOptions) {
    this.options = options;
  }

  get path(): string {
    return `${this.options.user}/${this.options.machine}/${this.options.session}`;
  }

  on(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers an event as the SDK would (after moving the store's delivered mark). */
  emit(event: AgentEvent): void {
    if (event.type === "message")
      void this.options.store?.set(`channel:${event.channel}`, event.seq);
    if (event.type === "whisper") void this.options.store?.set("inbox", event.seq);
    for (const listener of this.listeners) listener(event);
  }

  join(channel: string, options: { invite?: string } = {}) {
    this.calls.push(["join", channel, options]);
    return this.joinAnswer(channel);
  }
  leave(channel: string): void {
    this.calls.push(["leave", channel]);
  }
  openInbox() {
    this.calls.push(["openInbox"]);
    return this.inboxAnswer();
  }
  post(channel: string, payload: unknown, options: { id?: string } = {}) {
    this.calls.push(["post", channel, payload, options.id]);
    return this.postAnswer();
  }
  whisper(target: string, payload: unknown, options: { id?: string } = {}) {
    this.calls.push(["whisper", target, payload, options.id]);
    return this.whisperAnswer();
  }
  who(channel: string) {
    this.calls.push(["who", channel]);
    return this.whoAnswer();
  }
  admin(channel: string | null, op: string, fields: Record<string, unknown> = {}) {
    this.calls.push(["admin", channel, op, fields]);
    return this.adminAnswer(op);
  }
  close(): void {
    this.calls.push(["close"]);
  }
}

/** A scriptable `runBot`: the test opens the lobby, starts matches and plays their frames. */
export class FakeLobby {
  factory: BotFactory | null = null;
  options: RunBotOptions | null = null;
  readonly bots = new Map<string, Bot>();
  readonly challenges: Array<Record<string, unknown>> = [];
  /** When set, the next challenges fail with it. */
  refuse: Error | null = null;
  #finish: ((result: RunBotResult) => void) | null = null;

  readonly run = (factory: BotFactory, options: RunBotOptions): Promise<RunBotResult> => {
    this.factory = factory;
    this.options = options;
    return new Promise((resolve) => {
      this.#finish = resolve;
      options.signal?.addEventListener("abort", () => resolve({ reason: "aborted", matches: [] }));
    });
  };

  readonly challenge = async (
    _origin: string,
    _token: string,
    body: { opponent?: string; turn_timeout_ms?: number } = {},
  ): Promise<ChallengeAnswer> => {
    if (this.refuse) throw this.refuse;
    this.challenges.push(body);
    return {
      match_id: `m${this.challenges.length}`,
      participant_id: "p_1",
      status: "dispatching",
      opponent: body.opponent ?? "house-calling-station",
      opponent_bot_id: "h1",
      rated: false,
      decision_timeout_ms: body.turn_timeout_ms ?? 30_000,
    };
  };

  ready(): void {
    this.options?.log?.("lobby_ready", {});
  }

  stop(reason: RunBotResult["reason"]): void {
    this.#finish?.({ reason, matches: [] });
  }

  /** The lobby's `matched`: the factory makes the match's bot. */
  matched(matchId: string): Bot {
    const bot = this.factory?.({ matchId, participantId: "p_1" });
    if (!bot) throw new Error("runBot was not started");
    this.bots.set(matchId, bot);
    const start: MatchStart = {
      seats: [
        { seat: 0, display_name: "me", participant_id: "p_1", is_self: true },
        { seat: 1, display_name: "house-calling-station", participant_id: "p_2", is_self: false },
      ],
      game_config: config(),
      turn_timeout_ms: 30_000,
      your_seat: 0,
    };
    // As playMatch does: every frame to onFrame, then the typed hook.
    bot.onFrame?.({ type: "match_start", ...start });
    bot.onMatchStart?.(start);
    return bot;
  }

  /** A `turn_request` for seat 0 (frame first, then `decide`, as `playMatch` does). */
  turn(matchId: string, overrides: Partial<TurnRequest> = {}): Promise<Decision> {
    const bot = this.bots.get(matchId);
    if (!bot) throw new Error(`no match ${matchId}`);
    const turn: TurnRequest = {
      request_id: "r_1",
      seat: 0,
      timeout_ms: 30_000,
      deadline_ts: Date.now() + 30_000,
      valid_actions: ["fold", "call", "raise"],
      state: {
        hand_number: 1,
        phase: "preflop",
        board: [],
        your_hole_cards: ["As", "Kd"],
        pot: 30,
        your_stack: 1990,
        opponent_stacks: [1980],
        to_call: 10,
        min_raise: 40,
        max_raise: 2000,
        action_history: [
          { seat: 0, action: "post_small_blind", amount: 10, phase: "preflop", is_timeout: false },
          { seat: 1, action: "post_big_blind", amount: 20, phase: "preflop", is_timeout: false },
        ],
        your_seat: 0,
        dealer_seat: 0,
      },
      ...overrides,
    };
    bot.onFrame?.({ type: "turn_request", ...turn });
    return Promise.resolve(bot.decide(turn));
  }

  frame(matchId: string, frame: { type: string; [key: string]: unknown }): void {
    this.bots.get(matchId)?.onFrame?.(frame);
  }
}

export const KEY = { publicKey: "k", pkcs8: "k" } as unknown as AgentKey;

export interface UnitBridge {
  bridge: Bridge;
  client: Client;
  agents: FakeAgent[];
  lobby: FakeLobby;
  store: MemorySeqStore;
  listed: ListedChannel[];
  notifications: Array<{ method: string; params?: unknown }>;
  call(
    name: string,
    args?: Record<string, unknown>,
  ): Promise<{ isError: boolean; text: string; structured: Record<string, unknown> | undefined }>;
  close(): Promise<void>;
}

/** A bridge over fakes; `prepare` scripts each fake agent before the bridge uses it. */
export async function unitBridge(
  options: {
    servers?: string[];
    poker?: boolean;
    agent?: boolean;
    waitMs?: number;
    resumeSettleMs?: number;
    prepare?: (agent: FakeAgent) => void;
    list?: () => Promise<ListedChannel[]>;
  } = {},
): Promise<UnitBridge> {
  const agents: FakeAgent[] = [];
  const lobby = new FakeLobby();
  const store = new MemorySeqStore();
  const listed: ListedChannel[] = [];
  const bridge = createBridge(
    {
      servers: options.servers ?? ["http://127.0.0.1:8787"],
      agent:
        options.agent === false
          ? null
          : {
              identity: { user: "ann", machine: "box", session: "mcp", key: KEY },
              stateFile: "/nonexistent/unused.json",
              channels: [],
            },
      poker: options.poker
        ? { botId: "bot-1", token: "cz_extbot_x", turnTimeoutMs: 120_000 }
        : null,
      waitMs: options.waitMs ?? 2000,
      log: () => {},
    },
    {
      client: (o) => {
        const agent = new FakeAgent(o);
        options.prepare?.(agent);
        agents.push(agent);
        return agent;
      },
      list: options.list ?? (() => Promise.resolve(listed)),
      durable: store,
      runBot: lobby.run,
      challenge: lobby.challenge,
      resumeSettleMs: options.resumeSettleMs ?? 0,
    },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "unit", version: "1.0.0" });
  const notifications: Array<{ method: string; params?: unknown }> = [];
  client.fallbackNotificationHandler = async (n) => {
    notifications.push(n);
  };
  await bridge.server.connect(serverSide);
  await client.connect(clientSide);
  return {
    bridge,
    client,
    agents,
    lobby,
    store,
    listed,
    notifications,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as Array<{ text?: string }>;
      return {
        isError: result.isError === true,
        text: content.map((c) => c.text ?? "").join("\n"),
        structured: result.structuredContent as Record<string, unknown> | undefined,
      };
    },
    async close() {
      await client.close();
      await bridge.close();
    },
  };
}

/** Waits until `check` holds (each step yields to pending work), or fails saying `what`. */
export async function until(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
