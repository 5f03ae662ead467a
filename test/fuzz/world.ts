/**
 * The fuzz world: one real gateway (the Worker on a loopback port, as `wrangler dev` runs
 * it) with the principals every case needs — a victim, an attacker and a bystander bot
 * with tokens (and a revoked one), agents on a public and a private channel, a server
 * admin — plus the legitimate flows that must still complete on the same objects after
 * the hostile traffic.
 */
import assert from "node:assert/strict";
import { type Agent, createChannel, registerAgent } from "../harness/agent.ts";
import { joinChannel, openInbox, post } from "../harness/agent-socket.ts";
import {
  api,
  createBotWithToken,
  type Gateway,
  type GatewayOptions,
  startGateway,
} from "../harness/gateway.ts";
import { type Frame, TestSocket } from "../harness/ws-client.ts";
import { type RawSocket, rawRequest, rawUpgrade, type UpgradeAnswer } from "./raw-socket.ts";

/** A bot with a token, as the admin API issued it. */
export interface BotCreds {
  botId: string;
  name: string;
  token: string;
  tokenId: string;
}

/**
 * Settings of the fuzz gateway: short handshake timers so silence cases finish quickly,
 * agent rate limits raised so seeded frame streams measure parsing rather than pacing (the
 * flood cases go past them), a small per-IP connect limit the flood case can exceed, and
 * one server admin.
 */
export const FUZZ_VARS: Record<string, string> = {
  LOBBY_AUTH_TIMEOUT_MS: "2000",
  LOBBY_PING_INTERVAL_MS: "3000",
  LOBBY_PONG_TIMEOUT_MS: "3000",
  AGENT_HANDSHAKE_TIMEOUT_MS: "2000",
  AGENT_RATE_PER_S: "100",
  AGENT_RATE_BURST: "200",
  WS_CONNECTS_PER_IP_PER_MINUTE: "30",
  OPERATOR_HANDSHAKE_TIMEOUT_MS: "2000",
  SLED_IDENTITY_TIMEOUT_MS: "2000",
  SERVER_ADMINS: "fuzzroot",
};

/**
 * A match configuration that plays out quickly: no jitter, few hands, no think time, and a
 * message rate that instant test bots stay under (the match-flood group keeps the default).
 */
export const QUICK_MATCH = {
  hand_cap: 2,
  jitter_min_ms: 0,
  jitter_max_ms: 0,
  house_think_ms: 0,
  turn_timeout_ms: 10_000,
  max_messages_per_second: 200,
};

let worldCount = 0;

/** Who takes part: bots with tokens and registered agents. */
export interface Principals {
  victim: BotCreds;
  attacker: BotCreds;
  bystander: BotCreds;
  /** A token of the attacker's bot that was revoked. */
  revokedToken: string;
  /** Channel admin of both fuzz channels. */
  owner: Agent;
  member: Agent;
  intruder: Agent;
  /** Listed in SERVER_ADMINS. */
  root: Agent;
}

/** One gateway with its principals, client helpers and the sockets the cases opened. */
export class World implements Principals {
  readonly gateway: Gateway;
  readonly tag: string;
  readonly victim: BotCreds;
  readonly attacker: BotCreds;
  readonly bystander: BotCreds;
  readonly revokedToken: string;
  readonly owner: Agent;
  readonly member: Agent;
  readonly intruder: Agent;
  readonly root: Agent;
  readonly publicChannel: string;
  readonly privateChannel: string;
  #ip = 0;
  readonly #open = new Set<RawSocket | TestSocket>();

  private constructor(gateway: Gateway, tag: string, principals: Principals) {
    this.gateway = gateway;
    this.tag = tag;
    this.victim = principals.victim;
    this.attacker = principals.attacker;
    this.bystander = principals.bystander;
    this.revokedToken = principals.revokedToken;
    this.owner = principals.owner;
    this.member = principals.member;
    this.intruder = principals.intruder;
    this.root = principals.root;
    this.publicChannel = `fuzz-pub-${tag}`;
    this.privateChannel = `fuzz-priv-${tag}`;
  }

  /** Starts a gateway with `FUZZ_VARS` and creates the principals and channels. */
  static async start(options: GatewayOptions = {}): Promise<World> {
    const gateway = await startGateway({ vars: { ...FUZZ_VARS, ...options.vars } });
    try {
      worldCount += 1;
      const tag = `${worldCount}${Date.now().toString(36).slice(-4)}`;
      const bot = async (role: string): Promise<BotCreds> => {
        const name = `fuzz-${role}-${tag}`;
        return { name, ...(await createBotWithToken(gateway, name)) };
      };
      const attacker = await bot("attacker");
      const spare = await api(gateway, "POST", `/api/external-api/bots/${attacker.botId}/tokens`);
      const { token, token_id } = spare.body as { token: string; token_id: string };
      await api(gateway, "DELETE", `/api/external-api/tokens/${token_id}`);
      const owner = await registerAgent(gateway, `own${tag}`, "desk");
      const world = new World(gateway, tag, {
        victim: await bot("victim"),
        attacker,
        bystander: await bot("bystander"),
        revokedToken: token,
        owner,
        member: await registerAgent(gateway, `mem${tag}`, "desk"),
        intruder: await registerAgent(gateway, `int${tag}`, "box"),
        root: await registerAgent(gateway, "fuzzroot", "root"),
      });
      await createChannel(gateway, world.publicChannel, "public", owner.user);
      await createChannel(gateway, world.privateChannel, "private", owner.user);
      return world;
    } catch (err) {
      await gateway.close();
      throw err;
    }
  }

  /** A new bot with a token, for a case that needs one of its own. */
  async bot(role: string): Promise<BotCreds> {
    this.#ip += 1;
    const name = `fuzz-${role}-${this.tag}-${this.#ip}`;
    return { name, ...(await createBotWithToken(this.gateway, name)) };
  }

  /** Every credential a client must never see echoed back. */
  get secrets(): string[] {
    return [
      this.gateway.adminToken,
      this.victim.token,
      this.attacker.token,
      this.bystander.token,
      this.revokedToken,
    ];
  }

  /**
   * A client address for one connection: the per-IP connect limit is tested by its own
   * cases, so every other connection comes from a rotating pool of 128 addresses (enough
   * for the suite's connect rate; a pool, not a fresh address each time, so the runtime does
   * not collect thousands of limiter objects whose expiry alarms then fire together).
   */
  ip(): string {
    this.#ip += 1;
    return `10.9.0.${this.#ip % 128}`;
  }

  /** A raw upgrade from a fresh address (unless `headers` names one). */
  async upgrade(path: string, headers: Array<[string, string]> = []): Promise<UpgradeAnswer> {
    const named = headers.some(([name]) => name.toLowerCase() === "cf-connecting-ip");
    const answer = await rawUpgrade(this.gateway.url, path, [
      ...(named ? [] : [["CF-Connecting-IP", this.ip()] as [string, string]]),
      ...headers,
    ]);
    if (answer.socket) this.#open.add(answer.socket);
    return answer;
  }

  /** Takes `socket` out of `closeAll`: it outlives the case that opened it (a match seat). */
  keep(socket: RawSocket | TestSocket): void {
    this.#open.delete(socket);
  }

  /**
   * Drops every socket this world opened since and has not kept: a case that fails half-way
   * must not leave a bot online or a seat bound for the next case.
   */
  closeAll(): void {
    for (const socket of this.#open) socket.cut();
    this.#open.clear();
  }

  /** A raw upgrade that must be accepted (101). */
  async socket(path: string, headers: Array<[string, string]> = []): Promise<RawSocket> {
    const answer = await this.upgrade(path, headers);
    assert.equal(answer.status, 101, `upgrade of ${path}: HTTP ${answer.status} ${answer.body}`);
    assert.ok(answer.socket);
    return answer.socket;
  }

  /** A raw HTTP request (path verbatim) from a fresh address. */
  request(
    method: string,
    path: string,
    options: { headers?: Array<[string, string]>; body?: string | Uint8Array } = {},
  ): Promise<UpgradeAnswer> {
    return rawRequest(this.gateway.url, {
      method,
      path,
      headers: [["CF-Connecting-IP", this.ip()], ...(options.headers ?? [])],
      upgrade: false,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
  }

  /** A well-behaved `ws` client from a fresh address. */
  async open(path: string, protocols: string[] = []): Promise<TestSocket> {
    const socket = await TestSocket.open(this.gateway.wsUrl(path), {
      protocols,
      headers: { "CF-Connecting-IP": this.ip() },
    });
    this.#open.add(socket);
    return socket;
  }

  // ---- matches ----

  /** Dispatches a match through the admin API. */
  async dispatch(
    bots: [string, string],
    config: Record<string, unknown> = QUICK_MATCH,
  ): Promise<Dispatched> {
    const res = await api(this.gateway, "POST", "/api/matches", { body: { bots, config } });
    assert.equal(res.status, 201, `dispatch: ${JSON.stringify(res.body)}`);
    return res.body as Dispatched;
  }

  /** Dials a seat the SDK way (token in the subprotocol) and completes the handshake. */
  async dial(path: string, token: string): Promise<TestSocket> {
    const socket = await this.open(path, ["chipzen-bot-token", token]);
    assert.equal(socket.protocol, "chipzen-bot-token");
    socket.send({ type: "authenticate", token: "" });
    const hello = await socket.next(5000, "the server hello");
    assert.equal(hello.type, "hello", `server hello: ${JSON.stringify(hello)}`);
    socket.send({ type: "hello", supported_versions: ["1.0"] });
    return socket;
  }
}

export interface Dispatched {
  match_id: string;
  seats: Array<{
    seat: number;
    participant_id: string;
    bot_id: string;
    gateway_ws_url: string | null;
  }>;
}

/** What one seat saw while playing to the end. */
export interface PlayedSeat {
  end: Frame;
  /** Every `turn_result` this seat received. */
  results: Frame[];
  /** The actions this seat sent, in order. */
  answers: string[];
  frames: Frame[];
}

/** Plays check/call on every `turn_request` until `match_end`; `seq` must strictly increase. */
export async function playOut(
  socket: TestSocket,
  lastSeq = 0,
  timeoutMs = 30_000,
): Promise<PlayedSeat> {
  const played: PlayedSeat = { end: {}, results: [], answers: [], frames: [] };
  let seq = lastSeq;
  for (;;) {
    const frame = await socket.next(timeoutMs, "a frame while playing");
    played.frames.push(frame);
    assert.ok(
      typeof frame.seq === "number" && frame.seq > seq,
      `seq must increase: ${seq} then ${JSON.stringify(frame).slice(0, 200)}`,
    );
    seq = frame.seq as number;
    if (frame.type === "turn_result") played.results.push(frame);
    if (frame.type === "turn_request") {
      const valid = frame.valid_actions as string[];
      const action = valid.includes("check") ? "check" : "call";
      played.answers.push(action);
      socket.send({ type: "turn_action", match_id: "", request_id: frame.request_id, action });
    }
    if (frame.type === "match_end") {
      played.end = frame;
      return played;
    }
  }
}

/**
 * The chips of a played-out match are conserved, and the actions credited to each seat are
 * exactly the ones it sent, in order: nobody acted for it. Auto-actions (`is_timeout`) are
 * allowed only where the case provoked them.
 */
export function assertFairEnd(
  seats: Array<{ seat: number; played: PlayedSeat; timeouts?: "allowed" | "none" }>,
  startingStack: number,
): void {
  for (const { seat, played, timeouts = "none" } of seats) {
    const end = played.end;
    assert.equal(end.type, "match_end");
    const results = end.results as Array<{ final_stack: number; net_chips: number }> | undefined;
    assert.ok(results, `a played-out match_end: ${JSON.stringify(end).slice(0, 300)}`);
    const total = results.reduce((sum, r) => sum + r.final_stack, 0);
    assert.equal(total, startingStack * results.length, "chips are conserved");
    assert.equal(
      results.reduce((sum, r) => sum + r.net_chips, 0),
      0,
      "net chips sum to zero",
    );
    const own = played.results.filter((r) => r.seat === seat);
    const auto = own.filter((r) => (r.details as { is_timeout?: boolean }).is_timeout === true);
    if (timeouts === "none") assert.equal(auto.length, 0, `seat ${seat} was auto-acted`);
    const credited = own
      .filter((r) => (r.details as { is_timeout?: boolean }).is_timeout !== true)
      .map((r) => (r.details as { action: string }).action);
    assert.deepEqual(
      credited,
      played.answers.slice(0, credited.length),
      `actions credited to seat ${seat}`,
    );
    if (timeouts === "none") assert.equal(credited.length, played.answers.length);
  }
}

/** The legitimate lobby flow: online, `matched` pushed, the match played to the end. */
export async function lobbyFlow(world: World, bot: BotCreds): Promise<void> {
  const lobby = await world.open(`/ws/external/bot/${bot.botId}`);
  lobby.send({ type: "authenticate", token: bot.token });
  const hello = await lobby.next(5000, "the lobby hello");
  assert.equal(hello.type, "hello", `lobby hello: ${JSON.stringify(hello)}`);
  assert.equal(hello.match_id, bot.botId);
  const presence = await api(world.gateway, "GET", `/api/bots/${bot.botId}/presence`);
  assert.deepEqual(presence.body, { bot_id: bot.botId, online: true });
  const match = await world.dispatch([bot.botId, "house-calling-station"]);
  let matched: Frame;
  for (;;) {
    matched = await lobby.next(5000, "matched");
    if (matched.type === "ping") lobby.send({ type: "pong" });
    if (matched.type === "matched" && matched.match_id === match.match_id) break;
  }
  const seat = await world.dial(String(matched.gateway_ws_url), bot.token);
  const played = await playOut(seat);
  assertFairEnd([{ seat: 0, played }], 2000);
  lobby.close();
  seat.close();
}

/** The legitimate channel flow: two members post and receive, `who` and `history` answer. */
export async function channelFlow(
  world: World,
  channel: string,
  a: Agent,
  b: Agent,
): Promise<void> {
  const first = await joinChannel(world.gateway, a, channel, { session: "legit-a" });
  const second = await joinChannel(world.gateway, b, channel, { session: "legit-b" });
  const id = `legit-${Date.now()}`;
  const ack = await post(first, id, { text: "still serving" });
  assert.equal(ack.type, "ack");
  const message = await second.socket.nextOfType("message", 15_000);
  assert.deepEqual(
    { seq: message.seq, from: message.from, payload: message.payload },
    { seq: ack.seq, from: `${a.user}/${a.machine}/legit-a`, payload: { text: "still serving" } },
  );
  second.socket.send({ type: "who", id: "who-1" });
  const who = await second.socket.nextOfType("who", 15_000);
  const paths = (who.sessions as Array<{ path: string }>).map((s) => s.path);
  assert.ok(paths.includes(`${b.user}/${b.machine}/legit-b`), `who: ${JSON.stringify(who)}`);
  first.socket.send({ type: "history", id: "h-1", limit: 1 });
  const history = await first.socket.nextOfType("history", 15_000);
  assert.equal((history.messages as Array<{ seq: number }>)[0]?.seq, ack.seq);
  first.socket.close();
  second.socket.close();
}

/**
 * The legitimate inbox flow: a whisper sent to `target` now, and every payload in `queued`
 * sent earlier by the same sender, all arrive when the session opens its inbox.
 */
export async function inboxFlow(
  world: World,
  sender: Agent,
  target: Agent,
  session: string,
  queued: unknown[] = [],
): Promise<void> {
  const from = await joinChannel(world.gateway, sender, world.publicChannel, {
    session: "legit-w",
  });
  const id = `w-${Date.now()}`;
  from.socket.send({
    type: "whisper",
    id,
    target: `${target.user}/${target.machine}/${session}`,
    payload: { text: "psst" },
  });
  const ack = await from.socket.nextOfType("whisper_ack", 15_000);
  assert.equal(ack.id, id);
  const inbox = await openInbox(world.gateway, target, { session });
  const payloads = inbox.replayed.map((w) => JSON.stringify(w.payload));
  for (const payload of [...queued, { text: "psst" }]) {
    assert.ok(
      payloads.includes(JSON.stringify(payload)),
      `${JSON.stringify(payload)} was not replayed: ${payloads.join(", ").slice(0, 300)}`,
    );
  }
  assert.ok(inbox.replayed.some((w) => w.from === `${sender.user}/${sender.machine}/legit-w`));
  inbox.socket.close();
  from.socket.close();
}
