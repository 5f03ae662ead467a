/**
 * The chaos scenario: the real Worker (wrangler's test harness, the same workerd as
 * `wrangler dev`, storage kept across runtime restarts), SDK bots playing many concurrent
 * matches and channel agents posting (one of them a `botgate mcp` bridge driven through
 * its tools), all through fault proxies, while the seeded fault
 * plan cuts, delays and stalls sockets, evicts objects, restarts the runtime, takes the
 * gateway down for a while (dials refused) and revokes tokens mid-match. Then it drains every match, lets the agents catch up and leave, reads
 * back what the server stored, and checks the invariants.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Backoff } from "../../src/client/backoff.ts";
import { type RunBotResult, runBot } from "../../src/client/run-bot.ts";
import { type Agent, createChannel, registerAgent } from "../harness/agent.ts";
import { type CutProxy, startCutProxy } from "../harness/cut-proxy.ts";
import { api, createBotWithToken, type Gateway, startGateway } from "../harness/gateway.ts";
import { outage } from "../harness/outage.ts";
import { HANG_MS } from "../harness/until.ts";
import { ChaosAgent, clock } from "./agent-client.ts";
import { chaosBotFactory, MatchJournal } from "./bot.ts";
import {
  FAULT_KINDS,
  type FaultKind,
  fingerprint,
  type PlannedFault,
  pickIndex,
  planFaults,
} from "./faults.ts";
import {
  checkActions,
  checkBridgeReads,
  checkChannel,
  checkChips,
  checkClients,
  checkMatchEnds,
  checkOperators,
  checkPresence,
  checkSeq,
  checkTurns,
  checkWhispers,
  type MatchEvidence,
  type MatchRecord,
  type RunnerState,
  type StoredHand,
  type Verdict,
} from "./invariants.ts";
import { ChaosBridge } from "./mcp-bridge.ts";
import { OperatorWatch } from "./operator-watch.ts";
import { Prng } from "./prng.ts";
import { checkApprovals, checkRelay } from "./sled-invariants.ts";
import { ChaosSleds, SLED_CHAOS_VARS, type SledEvidence } from "./sleds.ts";
import { checkTournament, type TournamentRecord } from "./tournament.ts";

export interface ChaosOptions {
  seed: number;
  /** Length of the fault phase; the drain and the checks come after it. */
  durationMs: number;
  /** SDK bots (each holds a lobby and plays any number of matches at once). */
  bots: number;
  /** Matches kept in play during the fault phase. */
  concurrentMatches: number;
  /**
   * Matches dispatched at least: the dispatcher keeps going past the fault phase until then
   * (for at most twice its length again), so a slow machine still exercises enough play.
   */
  minMatches?: number;
  channels: number;
  agentsPerChannel: number;
  /** `botgate mcp` bridges posting and reading through their tools (default 1). */
  bridges?: number;
  faultGapMs: [number, number];
  restarts: number;
  revocations: number;
  /** Outages: both fault proxies refuse every connection while the runtime restarts. */
  outages?: number;
  /** How long each outage lasts, drawn in this range (ms; default 5–20 s). */
  outageMs?: [number, number];
  /** Probability that a bot holds a decision past the turn deadline. */
  slowDecisionRate: number;
  /** Overrides of the match configuration below. */
  match?: Record<string, number>;
  /** SDK bots of their own that play a 2-round Swiss during the run (0: no tournament). */
  tournamentBots?: number;
  /** Contract sleds asking for approvals and answering relayed MCP calls (0: none). */
  sleds?: number;
  /** Progress lines (faults as they happen, phases). */
  log?: (line: string) => void;
}

/** Short timers so a run exercises grace, forfeits and heartbeats in seconds. */
const MATCH_CONFIG = {
  starting_stack: 300,
  small_blind: 10,
  big_blind: 20,
  turn_timeout_ms: 1500,
  reconnect_grace_ms: 6000,
  reconnect_budget: 10,
  connection_wait_ms: 15_000,
  jitter_min_ms: 0,
  jitter_max_ms: 60,
  hand_cap: 25,
  max_messages_per_second: 200,
};

/**
 * Per-match variations of the timers, so queued (jittered) frames, short clocks and a small
 * reconnect budget all meet the faults; the grace is the same for every match.
 */
function variation(random: Prng): Record<string, number> {
  return {
    jitter_max_ms: random.pick([0, 60, 300]),
    turn_timeout_ms: random.pick([1000, 1500, 3000]),
    reconnect_budget: random.pick([2, 10, 10]),
  };
}

/** Runtime vars: short lobby and agent heartbeats, and no per-IP connect limit (all loopback). */
export const CHAOS_VARS = {
  WS_CONNECTS_PER_IP_PER_MINUTE: "1000000",
  LOBBY_PING_INTERVAL_MS: "2000",
  LOBBY_PONG_TIMEOUT_MS: "2000",
  AGENT_HEARTBEAT_TIMEOUT_MS: "3000",
  AGENT_PRESENCE_BATCH_MS: "100",
  ...SLED_CHAOS_VARS,
};
const AGENT_HEARTBEAT_MS = Number(CHAOS_VARS.AGENT_HEARTBEAT_TIMEOUT_MS);
const LOBBY_PING_MS = Number(CHAOS_VARS.LOBBY_PING_INTERVAL_MS);

/** What happened to the planned faults of one kind. */
export interface FaultStats {
  planned: number;
  applied: number;
  /** Nothing to apply it to at that moment (e.g. no match socket open). */
  skipped: number;
  failed: number;
}

export interface ChaosReport {
  seed: number;
  durationMs: number;
  elapsedMs: number;
  fingerprint: string;
  faults: Record<FaultKind, FaultStats>;
  /** Client-side events: re-dials, refusals, rejections. */
  clientEvents: Map<string, number>;
  /** Warnings and errors the Worker logged (`level event`), with counts. */
  serverLog: Map<string, number>;
  verdicts: Verdict[];
  ok: boolean;
}

interface ChaosBot {
  name: string;
  botId: string;
  token: string;
  tokenId: string;
  /** Lobby up and not being revoked: may be given new matches. */
  available: boolean;
  /** Every `runBot` started for the bot, the current one last (a revocation starts another). */
  runners: Runner[];
}

interface Runner extends RunnerState {
  stop: AbortController;
  done: Promise<RunBotResult> | null;
}

interface LiveMatch {
  matchId: string;
  seats: { participant_id: string; bot_id: string }[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the whole scenario and returns the report (it never throws for a broken invariant). */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const say = options.log ?? (() => {});
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const clientEvents = new Map<string, number>();
  const count = (event: string) => clientEvents.set(event, (clientEvents.get(event) ?? 0) + 1);
  const matchConfig = { ...MATCH_CONFIG, ...options.match };

  const gateway = await startGateway({ vars: CHAOS_VARS });
  const serverLog = new Map<string, number>();
  /** Moves the runtime's captured logs into counts (the harness keeps them all otherwise). */
  const drainLogs = () => {
    for (const entry of gateway.harness.getLogs()) {
      let key: string;
      try {
        const line = JSON.parse(entry.message) as { level?: string; event?: string };
        if (line.level !== "warn" && line.level !== "error") continue;
        key = `${line.level} ${String(line.event)}`;
      } catch {
        if (entry.level !== "error" && entry.level !== "warn") continue;
        // Runtime messages carry times and ids: group them by their text alone.
        key = `${entry.level} ${entry.message.replace(/[0-9][0-9.a-f-]*/g, "#").slice(0, 100)}`;
      }
      serverLog.set(key, (serverLog.get(key) ?? 0) + 1);
    }
    gateway.harness.clearLogs();
  };
  const botProxy = await startCutProxy(gateway.url);
  const agentProxy = await startCutProxy(gateway.url);
  const sledProxy = await startCutProxy(gateway.url);
  const proxies = [botProxy, agentProxy, sledProxy];
  let sleds: ChaosSleds | null = null;
  const timers = new Set<NodeJS.Timeout>();
  const agents: ChaosAgent[] = [];
  const inboxes: ChaosAgent[] = [];
  const bridges: ChaosBridge[] = [];
  const bots: ChaosBot[] = [];
  let watch: OperatorWatch | null = null;
  const entrants: ChaosBot[] = [];
  try {
    // An operator watches everything from the start, straight to the gateway.
    watch = await OperatorWatch.start(gateway);
    const plan = planFaults(options.seed, {
      durationMs: options.durationMs,
      gapMs: options.faultGapMs,
      restarts: options.restarts,
      revocations: options.revocations,
      outages: options.outages ?? 0,
      sleds: (options.sleds ?? 0) > 0,
    });
    const faults = Object.fromEntries(
      FAULT_KINDS.map((kind) => [
        kind,
        { planned: plan.filter((f) => f.kind === kind).length, applied: 0, skipped: 0, failed: 0 },
      ]),
    ) as Record<FaultKind, FaultStats>;
    say(
      `seed ${options.seed}: ${plan.length} faults planned over ${options.durationMs / 1000} s, fingerprint ${fingerprint(plan)}`,
    );

    // ---- bots ----
    const journal = new MatchJournal();
    const startRunner = (bot: ChaosBot): Promise<void> => {
      const stop = new AbortController();
      let ready: () => void = () => {};
      const lobbyReady = new Promise<void>((resolve) => {
        ready = resolve;
      });
      const runner: Runner = {
        bot: bot.name,
        lobby: "dialling",
        matches: new Map(),
        stop,
        done: null,
      };
      const onEvent = (event: string, data: Record<string, unknown> = {}) => {
        const matchId = typeof data.match_id === "string" ? data.match_id : null;
        switch (event) {
          case "lobby_ready":
            runner.lobby = "ready";
            ready();
            break;
          case "lobby_redial":
            runner.lobby = "redialling";
            count(event);
            break;
          case "lobby_stopped":
            runner.lobby = "stopped";
            count(`lobby stopped: ${String(data.reason)}`);
            break;
          case "matched":
            if (matchId) runner.matches.set(matchId, null);
            break;
          case "match_over":
            if (matchId) runner.matches.set(matchId, String(data.status));
            if (data.status === "lost" && matchId) journal.refused(matchId, "lost (grace over)");
            break;
          case "match_refused":
            count(`match socket refused ${String(data.code)}`);
            if (matchId) journal.refused(matchId, `${String(data.code)} ${String(data.reason)}`);
            break;
          case "server_error_frame":
            count(`server error frame: ${String(data.code)}`);
            break;
          default:
            count(event);
        }
        if (event.startsWith("lobby_"))
          say(`${elapsed()} ${bot.name} ${event} ${JSON.stringify(data)}`);
        if (matchId) {
          const detail = ["code", "status", "resume"]
            .filter((k) => data[k] !== undefined)
            .map((k) => ` ${k} ${String(data[k])}`)
            .join("");
          journal.event(matchId, `${bot.name} ${event}${detail}`);
        }
      };
      runner.done = runBot(
        chaosBotFactory(journal, bot.name, {
          seed: options.seed,
          slowDecisionRate: options.slowDecisionRate,
        }),
        {
          url: botProxy.origin,
          botId: bot.botId,
          token: bot.token,
          signal: stop.signal,
          backoff: new Backoff({ baseMs: 100, capMs: 2000, stableMs: 3000 }),
          log: onEvent,
        },
      );
      bot.runners.push(runner);
      return lobbyReady;
    };
    for (let i = 0; i < options.bots; i += 1) {
      const name = `chaos-${options.seed}-${i}`;
      const created = await createBotWithToken(gateway, name);
      bots.push({ name, ...created, available: false, runners: [] });
    }
    await Promise.all(
      bots.map(async (bot) => {
        await startRunner(bot);
        bot.available = true;
      }),
    );
    say(`${elapsed()} ${bots.length} SDK bots in their lobbies`);

    // ---- agents: one channel socket each, posting and whispering, and one inbox each ----
    const channels = Array.from({ length: options.channels }, (_, i) => `chaos-${i}`);
    for (const channel of channels) await createChannel(gateway, channel);
    const members: { agent: Agent; channel: string; session: string; stream: string }[] = [];
    for (const [c, channel] of channels.entries()) {
      for (let i = 0; i < options.agentsPerChannel; i += 1) {
        const agent = await registerAgent(gateway, `ag${c}x${i}`, "box");
        members.push({ agent, channel, session: `s${c}x${i}`, stream: `agent/${c}/${i}` });
      }
    }
    const paths = members.map((m) => `${m.agent.user}/${m.agent.machine}/${m.session}`);
    const common = { origin: agentProxy.origin, pingEveryMs: 700, pongTimeoutMs: 2500 };
    for (const m of members) {
      const path = `${m.agent.user}/${m.agent.machine}/${m.session}`;
      agents.push(
        new ChaosAgent({
          ...common,
          agent: m.agent,
          channel: m.channel,
          session: m.session,
          random: new Prng(options.seed, m.stream),
          postEveryMs: [150, 700],
          whisperTo: paths.filter((p) => p !== path),
        }),
      );
      inboxes.push(
        new ChaosAgent({
          ...common,
          agent: m.agent,
          channel: null,
          session: m.session,
          random: new Prng(options.seed, `${m.stream}/inbox`),
          postEveryMs: [1000, 1000],
          napMs: [6000, 3000],
        }),
      );
    }
    for (const agent of [...agents, ...inboxes]) agent.start();
    await Promise.all(
      [...agents, ...inboxes].map((a) => a.until(() => a.caughtUp, HANG_MS, "the first caught_up")),
    );
    const bridgeDir = mkdtempSync(join(tmpdir(), "botgate-chaos-mcp-"));
    for (let i = 0; i < (options.bridges ?? 1); i += 1) {
      bridges.push(
        new ChaosBridge({
          gatewayOrigin: gateway.url.origin,
          proxyOrigin: agentProxy.origin,
          dir: bridgeDir,
          user: `mcpchaos${i}`,
          channel: channels[i % channels.length] ?? "chaos-0",
          random: new Prng(options.seed, `bridge/${i}`),
          everyMs: [500, 1200],
          // The run's agent heartbeat is short: the bridge's links ping well inside it.
          pingMs: Math.floor(AGENT_HEARTBEAT_MS / 4),
        }),
      );
    }
    await Promise.all(bridges.map((b) => b.start()));
    say(
      `${elapsed()} ${agents.length} agents in ${channels.length} channels, each with its inbox; ${bridges.length} MCP bridge(s)`,
    );

    // ---- sleds: uplinks through their own proxy, approvals and MCP calls all the time ----
    if ((options.sleds ?? 0) > 0) {
      sleds = await ChaosSleds.start(gateway, sledProxy, {
        seed: options.seed,
        count: options.sleds ?? 0,
        askEveryMs: [200, 900],
        callEveryMs: [150, 700],
      });
      say(`${elapsed()} ${sleds.projects.length} sleds on their uplinks`);
    }

    // ---- a tournament of bots of its own, through the same proxy ----
    let tournamentId: string | null = null;
    for (let i = 0; i < (options.tournamentBots ?? 0); i += 1) {
      const name = `chaos-${options.seed}-t${i}`;
      const created = await createBotWithToken(gateway, name);
      entrants.push({ name, ...created, available: false, runners: [] });
    }
    if (entrants.length >= 2) {
      await Promise.all(entrants.map((bot) => startRunner(bot)));
      const created = await api(gateway, "POST", "/api/tournaments", {
        body: {
          name: `chaos ${options.seed}`,
          format: "swiss",
          rounds: 2,
          match_config: matchConfig,
          starts_at: new Date(Date.now() + 3600_000).toISOString(),
          check_in_seconds: 10,
        },
      });
      tournamentId = (created.body as { id: string }).id;
      for (const bot of entrants) {
        await api(gateway, "POST", `/api/external-api/tournaments/${tournamentId}/entries`, {
          token: bot.token,
        });
      }
      await api(gateway, "POST", `/api/tournaments/${tournamentId}/start`);
      say(`${elapsed()} a 2-round Swiss of ${entrants.length} more SDK bots`);
    }

    // ---- matches ----
    const matches = new Map<string, LiveMatch>();
    const live = new Set<string>();
    /** Each revocation: the bot and when its token was revoked. */
    const revocations: { botId: string; at: number }[] = [];
    const pairs = new Prng(options.seed, "pairs");
    const dispatch = async (): Promise<void> => {
      const free = bots.filter((b) => b.available);
      if (free.length < 2) return;
      const a = pairs.pick(free);
      const b = pairs.pick(free.filter((x) => x !== a));
      const res = await api(gateway, "POST", "/api/matches", {
        body: { bots: [a.botId, b.botId], config: { ...matchConfig, ...variation(pairs) } },
      }).catch(() => null);
      if (res?.status !== 201) {
        count(`dispatch failed ${res?.status ?? "(no answer)"}`);
        return;
      }
      const body = res.body as { match_id: string; seats: LiveMatch["seats"] };
      journal.event(
        body.match_id,
        `dispatched ${a.name} (${body.seats[0]?.participant_id}) vs ${b.name} (${body.seats[1]?.participant_id})`,
      );
      matches.set(body.match_id, { matchId: body.match_id, seats: body.seats });
      live.add(body.match_id);
    };
    const refreshLive = async (): Promise<void> => {
      for (const id of [...live]) {
        const res = await api(gateway, "GET", `/api/matches/${id}`).catch(() => null);
        const status = (res?.body as { status?: string } | null)?.status;
        if (res?.status === 200 && status !== "live" && status !== "dispatching") live.delete(id);
      }
    };

    // ---- faults ----
    let down = false;
    const conns = (proxy: CutProxy, prefix: string) =>
      proxy.connections().filter((c) => c.path.startsWith(prefix));
    /** Notes a network fault on a match socket in that match's timeline. */
    const noteConn = (path: string, what: string) => {
      const [, matchId, participant] = /^\/ws\/external\/match\/([^/]+)\/([^/?]+)/.exec(path) ?? [];
      if (matchId) journal.event(matchId, `fault: ${what} ${participant}`);
    };
    const revoke = async (bot: ChaosBot, draws: [number, number, number]): Promise<string> => {
      bot.available = false;
      const inPlay = [...live]
        .map((id) => matches.get(id))
        .filter((m): m is LiveMatch => m !== undefined);
      revocations.push({ botId: bot.botId, at: Date.now() });
      const res = await api(gateway, "DELETE", `/api/external-api/tokens/${bot.tokenId}`);
      if (res.status !== 204) throw new Error(`revoke answered ${res.status}`);
      // The old lobby learns on its next heartbeat (4002) and stops; its live match sockets
      // play on. Half the time those sockets are cut too, so their re-dials fail 4001 and the
      // seat forfeits after the grace (the documented outcome) unless a new client with a new
      // token takes it over in time: the renewal comes before or after the grace.
      if (draws[2] < 0.5) {
        for (const m of inPlay) {
          const seat = m.seats.find((s) => s.bot_id === bot.botId);
          if (!seat) continue;
          for (const c of conns(
            botProxy,
            `/ws/external/match/${m.matchId}/${seat.participant_id}`,
          )) {
            botProxy.cut(c.id);
            journal.event(
              m.matchId,
              `fault: cut ${seat.participant_id} after its token was revoked`,
            );
          }
        }
      }
      const renewAfter =
        draws[1] < 0.5 ? LOBBY_PING_MS * 2 : matchConfig.reconnect_grace_ms + LOBBY_PING_MS * 2;
      const renew = async () => {
        await sleep(renewAfter);
        // A runtime restart may cut the request: retry until a token is issued.
        let issued = null;
        for (let attempt = 0; attempt < 10 && issued?.status !== 201; attempt += 1) {
          if (attempt > 0) await sleep(500);
          issued = await api(gateway, "POST", `/api/external-api/bots/${bot.botId}/tokens`).catch(
            () => null,
          );
        }
        if (issued?.status !== 201) throw new Error("no new token after 10 attempts");
        const { token, token_id } = issued.body as { token: string; token_id: string };
        bot.token = token;
        bot.tokenId = token_id;
        await startRunner(bot);
        bot.available = true;
      };
      renew().catch((err: unknown) =>
        say(`${elapsed()} renewing ${bot.name} failed: ${String(err)}`),
      );
      return `${bot.name} (in ${inPlay.filter((m) => m.seats.some((s) => s.bot_id === bot.botId)).length} live matches)`;
    };
    const apply = async (fault: PlannedFault): Promise<string | null> => {
      const [d0, d1, d2] = fault.draws;
      switch (fault.kind) {
        case "cut_match":
        case "cut_lobby":
        case "cut_agent": {
          const proxy = fault.kind === "cut_agent" ? agentProxy : botProxy;
          const prefix = {
            cut_match: "/ws/external/match/",
            cut_lobby: "/ws/external/bot/",
            cut_agent: "/ws/",
          }[fault.kind];
          const open = conns(proxy, prefix);
          if (open.length === 0) return null;
          const target = open[pickIndex(d0, open.length)];
          if (!target || !proxy.cut(target.id)) return null;
          noteConn(target.path, "cut");
          return target.path;
        }
        case "cut_all":
          return `${proxies.reduce((n, proxy) => n + proxy.cutAll(), 0)} connections`;
        case "cut_sled": {
          const open = conns(sledProxy, "/api/sled-uplink");
          const target = open[pickIndex(d0, open.length)];
          return target && sledProxy.cut(target.id) ? `sled uplink ${target.id}` : null;
        }
        case "delay": {
          const open = [
            ...conns(botProxy, "/ws/").map((c) => ({ c, proxy: botProxy })),
            ...conns(agentProxy, "/ws/").map((c) => ({ c, proxy: agentProxy })),
          ];
          if (open.length === 0) return null;
          const ms = 20 + Math.floor(d1 * 280);
          const windowMs = 1000 + Math.floor(d2 * 4000);
          const first = pickIndex(d0, open.length);
          const howMany = Math.min(open.length, 1 + (Math.floor(d0 * 1000) % 3));
          for (let k = 0; k < howMany; k += 1) {
            const target = open[(first + k) % open.length];
            if (!target) continue;
            target.proxy.delay(target.c.id, ms);
            noteConn(target.c.path, `delay +${ms} ms for ${windowMs} ms`);
            const timer = setTimeout(() => {
              timers.delete(timer);
              target.proxy.delay(target.c.id, 0);
            }, windowMs);
            timers.add(timer);
          }
          return `${howMany} connections +${ms} ms for ${windowMs} ms`;
        }
        case "stall": {
          const all = [
            ...conns(botProxy, "/ws/").map((c) => ({ c, proxy: botProxy })),
            ...conns(agentProxy, "/ws/").map((c) => ({ c, proxy: agentProxy })),
          ];
          const target = all[pickIndex(d0, all.length)];
          if (!target) return null;
          const ms = 300 + Math.floor(d1 * 5000);
          target.proxy.stall(target.c.id, ms);
          noteConn(target.c.path, `stall ${ms} ms`);
          return `${target.c.path} for ${ms} ms`;
        }
        case "evict_match":
        case "evict_bot":
        case "evict_channel":
        case "evict_inbox":
        case "evict_sled": {
          const names = {
            evict_match: () => [...live],
            evict_bot: () => bots.map((b) => b.botId),
            evict_channel: () => channels,
            evict_inbox: () => paths,
            evict_sled: () => sleds?.projects ?? [],
          }[fault.kind]();
          const name = names[pickIndex(d0, names.length)];
          if (name === undefined) return null;
          const binding = {
            evict_match: "MATCH",
            evict_bot: "BOT",
            evict_channel: "CHANNEL",
            evict_inbox: "INBOX",
            evict_sled: "SLED",
          }[fault.kind];
          const sockets = d1 < 0.8 ? "hibernate" : "close";
          if (fault.kind === "evict_match") journal.event(name, `fault: evict (${sockets})`);
          try {
            await gateway.evict(binding, name, sockets);
          } catch (err) {
            // An idle object may already be gone from memory: nothing to evict.
            if (String(err).includes("not currently running")) return null;
            throw new Error(`${binding} ${name} (sockets ${sockets}): ${String(err)}`);
          }
          return `${binding} ${name.slice(0, 13)} (sockets ${sockets})`;
        }
        case "restart":
          for (const id of live) journal.event(id, "fault: runtime restart");
          await gateway.harness.update((current) => current);
          return "runtime restarted, storage kept";
        case "outage": {
          const [min, max] = options.outageMs ?? [5000, 20_000];
          const ms = Math.round(min + d1 * (max - min));
          for (const id of live) journal.event(id, `fault: gateway down ${ms} ms`);
          // Nothing is dispatched while the gateway is down (its API is down too).
          down = true;
          try {
            const report = await outage(gateway, proxies, ms);
            return `gateway down ${ms} ms: ${report.severed} connections severed, dials refused, runtime restarted in ${report.restartMs} ms`;
          } finally {
            down = false;
          }
        }
        case "revoke": {
          const busy = bots.filter(
            (b) =>
              b.available &&
              [...live].some((id) => matches.get(id)?.seats.some((s) => s.bot_id === b.botId)),
          );
          const bot = busy[pickIndex(d0, busy.length)];
          return bot ? revoke(bot, fault.draws) : null;
        }
      }
    };

    // ---- the fault phase: faults on their schedule, matches kept in play ----
    const phaseStart = Date.now();
    const phaseEnd = phaseStart + options.durationMs;
    if (tournamentId !== null) {
      // Besides the plan's faults (a restart among them), the tournament object is evicted
      // once in the middle of the phase.
      const id = tournamentId;
      const timer = setTimeout(() => {
        timers.delete(timer);
        gateway.evict("TOURNAMENT", id).then(
          () => say(`${elapsed()} evict_tournament: ${id.slice(0, 13)}`),
          (err: unknown) => say(`${elapsed()} evict_tournament skipped: ${String(err)}`),
        );
      }, options.durationMs / 2);
      timers.add(timer);
    }
    const dispatcher = (async () => {
      let lastRefresh = 0;
      const hardEnd = phaseEnd + 2 * options.durationMs;
      const more = () =>
        Date.now() < phaseEnd || (matches.size < (options.minMatches ?? 0) && Date.now() < hardEnd);
      while (more()) {
        if (Date.now() - lastRefresh > 1000) {
          drainLogs();
          await refreshLive();
          lastRefresh = Date.now();
        }
        if (live.size < options.concurrentMatches && !down) await dispatch();
        else await sleep(200);
      }
    })();
    for (const fault of plan) {
      const wait = phaseStart + fault.at - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        const what = await apply(fault);
        if (what === null) faults[fault.kind].skipped += 1;
        else faults[fault.kind].applied += 1;
        say(`${elapsed()} ${fault.kind}: ${what ?? "skipped (no target)"}`);
      } catch (err) {
        faults[fault.kind].failed += 1;
        say(`${elapsed()} ${fault.kind} failed: ${String(err)}`);
      }
    }
    await dispatcher;
    for (const timer of timers) clearTimeout(timer);
    for (const proxy of proxies) {
      for (const c of proxy.connections()) proxy.delay(c.id, 0);
    }
    say(`${elapsed()} fault phase over; ${matches.size} matches dispatched, draining`);
    // The sleds stop asking and calling; their last approvals expire while the matches drain.
    const sledsDone: Promise<SledEvidence | null> = sleds ? sleds.finish() : Promise.resolve(null);

    // ---- drain: every match must end by itself ----
    const drainUntil = Date.now() + matchConfig.connection_wait_ms + 60_000;
    while (live.size > 0 && Date.now() < drainUntil) {
      await sleep(500);
      await refreshLive();
    }
    say(`${elapsed()} drained (${live.size} still live)`);
    let tournament: TournamentRecord | null = null;
    if (tournamentId !== null) {
      const until = Date.now() + matchConfig.connection_wait_ms + 60_000;
      for (;;) {
        const res = await api(gateway, "GET", `/api/tournaments/${tournamentId}`, { token: null });
        tournament = res.status === 200 ? (res.body as TournamentRecord) : null;
        if (tournament?.status === "completed" || tournament?.status === "cancelled") break;
        if (Date.now() > until) break;
        await sleep(500);
      }
      say(`${elapsed()} tournament ${tournament?.status ?? "unreadable"}`);
    }

    const sledEvidence = await sledsDone;
    if (sledEvidence) say(`${elapsed()} sleds read back and disconnected`);

    // ---- agents: settle, resume once more, leave three ways, then ask who is left ----
    for (const agent of agents) agent.stopPosting();
    for (const inbox of inboxes) inbox.stopNapping();
    await Promise.all(bridges.map((b) => b.stopPosting()));
    await Promise.all(
      agents.map((a) =>
        a
          .until(() => a.unacked === 0 && a.caughtUp, HANG_MS, "every post acked")
          .catch((err) => say(String(err))),
      ),
    );
    const latest = new Map<string, number>();
    for (const agent of [...agents, ...bridges]) {
      for (const post of agent.record.posts.values()) {
        const seq = post.seq ?? 0;
        latest.set(agent.record.channel, Math.max(latest.get(agent.record.channel) ?? 0, seq));
      }
    }
    await Promise.all([
      ...agents.map(async (a) => {
        try {
          await a.resume(HANG_MS);
          const target = latest.get(a.record.channel) ?? 0;
          await a.until(() => (a.lastSeq ?? 0) >= target, HANG_MS, `seq ${target}`);
        } catch (err) {
          say(String(err));
        }
      }),
      // Every whisper is acknowledged by now: one more resume replays whatever is still due.
      ...inboxes.map((a) => a.resume(HANG_MS).catch((err: unknown) => say(String(err)))),
      ...bridges.map((b) => b.drain(latest.get(b.record.channel) ?? 0, HANG_MS)),
    ]);
    // The bridges leave before anyone asks who is left.
    await Promise.all(bridges.map((b) => b.dispose()));
    for (const inbox of inboxes) inbox.leave("close");
    say(`${elapsed()} agents and inboxes caught up after a final resume`);
    const leaves = new Map<string, number>();
    const ways = ["by close", "by cut", "silently (heartbeat)"] as const;
    agents.forEach((agent, i) => {
      const way = ways[i % ways.length] ?? "by close";
      leaves.set(way, (leaves.get(way) ?? 0) + 1);
      agent.leave(way === "by close" ? "close" : way === "by cut" ? "cut" : "silent");
    });
    // The silent ones are only closed by the heartbeat sweep.
    await sleep(AGENT_HEARTBEAT_MS + 2000);
    const whos = (await askWho(gateway, channels)).map((who) => ({
      ...who,
      diagnosis: who.diagnosis
        ? `${who.diagnosis}; agents: ${agents
            .filter((a) => who.sessions.includes(a.record.path))
            .map((a) => `${a.record.path} ${a.record.log.slice(-6).join(", ")}`)
            .join(" | ")}`
        : "",
    }));
    say(`${elapsed()} asked who is left`);
    for (const agent of agents) agent.dispose();

    // ---- collect ----
    const clients = checkClients([...bots, ...entrants].map((b) => b.runners));
    for (const bot of [...bots, ...entrants]) for (const runner of bot.runners) runner.stop.abort();
    // The clients are done: drop their sockets rather than wait for close handshakes.
    botProxy.cutAll();
    await Promise.race([
      Promise.all([...bots, ...entrants].flatMap((b) => b.runners.map((r) => r.done))),
      sleep(5000),
    ]);
    say(`${elapsed()} clients stopped`);
    const operators = await watch.settle(HANG_MS);
    say(`${elapsed()} operator view settled (${operators.connections.length} connections)`);
    const ids = new Set(matches.keys());
    const sources = new Map<string, string>();
    for (const bot of [...bots, ...entrants]) {
      const res = await api(gateway, "GET", `/api/bots/${bot.botId}/matches?limit=100`);
      for (const m of (res.body as { matches: { match_id: string; source: string }[] }).matches) {
        ids.add(m.match_id);
        if (tournamentId !== null && m.source.startsWith(`tournament:${tournamentId}:`)) {
          sources.set(m.match_id, m.source);
        }
      }
    }
    const evidence: MatchEvidence[] = [];
    for (const id of ids) {
      const record = await api(gateway, "GET", `/api/matches/${id}`);
      const hands = await api(gateway, "GET", `/api/matches/${id}/hands`);
      const stored = record.status === 200 ? (record.body as MatchRecord) : null;
      // A seat counts as revoked when its bot's token was revoked while the match was on.
      const during = (at: number) =>
        stored !== null &&
        at >= Date.parse(stored.created_at) &&
        (stored.ended_at === null || at <= Date.parse(stored.ended_at));
      const revokedParticipants = new Set(
        (stored?.participants ?? [])
          .filter((p) => revocations.some((r) => r.botId === p.bot_id && during(r.at)))
          .map((p) => p.participant_id),
      );
      evidence.push({
        matchId: id,
        record: stored,
        hands: hands.status === 200 ? (hands.body as { hands: StoredHand[] }).hands : [],
        seats: journal.ofMatch(id),
        revokedParticipants,
        refusals: journal.refusals.get(id) ?? [],
        timeline: journal.timelines.get(id) ?? [],
      });
    }
    say(`${elapsed()} read back ${evidence.length} matches`);
    drainLogs();
    const verdicts = [
      checkMatchEnds(evidence),
      checkChips(evidence),
      checkActions(evidence),
      checkTurns(evidence),
      checkSeq(evidence),
      clients,
      checkChannel([...agents, ...bridges].map((a) => a.record)),
      checkBridgeReads(bridges.map((b) => b.reads)),
      checkWhispers(
        agents.map((a) => a.record),
        inboxes.map((a) => a.record),
      ),
      checkPresence(whos, leaves),
      checkOperators(operators),
      ...(sledEvidence ? [checkApprovals(sledEvidence), checkRelay(sledEvidence.calls)] : []),
      ...(tournamentId === null
        ? []
        : [
            checkTournament({
              tournament,
              sources,
              records: new Map(evidence.map((e) => [e.matchId, e.record])),
            }),
          ]),
    ];
    return {
      seed: options.seed,
      durationMs: options.durationMs,
      elapsedMs: Date.now() - started,
      fingerprint: fingerprint(plan),
      faults,
      clientEvents,
      serverLog,
      verdicts,
      ok: verdicts.every((v) => v.ok),
    };
  } finally {
    await watch?.stop();
    await sleds?.close();
    for (const timer of timers) clearTimeout(timer);
    for (const agent of [...agents, ...inboxes]) agent.dispose();
    await Promise.all(bridges.map((b) => b.dispose()));
    for (const bot of [...bots, ...entrants]) for (const runner of bot.runners) runner.stop.abort();
    for (const proxy of proxies) await proxy.close();
    await gateway.close();
  }
}

/** A fresh agent joins each channel directly (no proxy) and asks `who`. */
async function askWho(
  gateway: Gateway,
  channels: string[],
): Promise<{ channel: string; asker: string; sessions: string[]; diagnosis: string }[]> {
  const checker: Agent = await registerAgent(gateway, "checker", "box");
  const answers = [];
  for (const channel of channels) {
    const agent = new ChaosAgent({
      origin: gateway.url.origin,
      agent: checker,
      channel,
      session: "who",
      random: new Prng(0, "checker"),
      postEveryMs: [60_000, 60_000],
      pingEveryMs: 1000,
      pongTimeoutMs: 5000,
    });
    const sessions = await agent.who(HANG_MS);
    let diagnosis = "";
    if (sessions.some((path) => path !== agent.record.path)) {
      // Ghosts: show what the channel object holds, to tell a lost sweep from a live socket.
      const sql = await gateway.harness
        .getWorker()
        .getDurableObjectStorage("CHANNEL", { name: channel });
      const rows = async (query: string) => JSON.stringify(await sql.exec(query));
      diagnosis = `at ${clock()}: presence ${await rows("SELECT * FROM presence")}; schedule ${await rows("SELECT * FROM schedule")}`;
    }
    answers.push({ channel, asker: agent.record.path, sessions, diagnosis });
    agent.dispose();
  }
  return answers;
}

/** The printed report: the run, the faults, then every invariant with its counts. */
export function formatReport(report: ChaosReport): string {
  const lines: string[] = [];
  lines.push(
    `chaos seed ${report.seed} — fault phase ${(report.durationMs / 1000).toFixed(0)} s, total ${(report.elapsedMs / 1000).toFixed(1)} s — plan fingerprint ${report.fingerprint}`,
  );
  lines.push("", "faults (planned / applied / skipped: no target at that moment / failed):");
  for (const [kind, s] of Object.entries(report.faults)) {
    lines.push(`  ${kind.padEnd(14)} ${s.planned} / ${s.applied} / ${s.skipped} / ${s.failed}`);
  }
  lines.push("", "client events:");
  for (const [event, n] of [...report.clientEvents].sort()) lines.push(`  ${event}: ${n}`);
  lines.push("", "server log (warnings and errors):");
  for (const [event, n] of [...report.serverLog].sort()) lines.push(`  ${event}: ${n}`);
  lines.push("", "invariants:");
  for (const v of report.verdicts) {
    lines.push(`  ${v.ok ? "PASS" : "FAIL"}  ${v.name}`);
    for (const [name, n] of v.counts) lines.push(`          ${name}: ${n}`);
    for (const note of v.notes) lines.push(`        • ${note}`);
    for (const f of v.failures) lines.push(`        ✗ ${f}`);
  }
  lines.push("", report.ok ? "all invariants hold" : "INVARIANTS BROKEN");
  return lines.join("\n");
}
