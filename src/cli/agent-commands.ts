import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { AgentClient, type AgentEvent } from "../client/agent-client.ts";
import { listChannels } from "../client/agent-http.ts";
import { registerAgent } from "../client/agent-keys.ts";
import { MemorySeqStore, RequestFailed, type SeqStore } from "../client/agent-link.ts";
import { sleep } from "../client/backoff.ts";
import { createKeyFile, FileSeqStore, loadKeyFile, saveIdentity } from "../client/node.ts";
import { CONNECT_ATTEMPTS, CommandError, UsageError } from "./config.ts";
import { table } from "./format.ts";

export interface AgentFlags {
  url: string;
  key: string | undefined;
  user: string | undefined;
  machine: string | undefined;
  session: string | undefined;
  since: string | undefined;
  invite: string | undefined;
  code: string | undefined;
  follow: boolean;
  json: boolean;
  out: (line: string) => void;
  signal: AbortSignal;
  input: NodeJS.ReadableStream;
}

/** The key file: `--key`, else `BOTGATE_AGENT_KEY_FILE`, else `~/.config/botgate/agent.key.json`. */
export function keyPath(flag: string | undefined): string {
  const config = process.env.XDG_CONFIG_HOME ?? join(homedir(), ".config");
  return flag ?? process.env.BOTGATE_AGENT_KEY_FILE ?? join(config, "botgate", "agent.key.json");
}

/** `botgate keygen`: a new Ed25519 key in a 0600 file. */
export async function keygen(flags: AgentFlags): Promise<void> {
  const path = keyPath(flags.key);
  const key = await createKeyFile(path).catch((err: Error) => {
    throw new CommandError(err.message);
  });
  flags.out(`Wrote ${path} (mode 0600). Public key: ${key.publicKey}`);
}

/** `botgate register --user U --machine M [--code C]`: claims the user with this key. */
export async function register(flags: AgentFlags): Promise<void> {
  if (!flags.user || !flags.machine)
    throw new UsageError("botgate register needs --user and --machine");
  const path = keyPath(flags.key);
  const { key } = await loadKeyFile(path);
  await registerAgent(flags.url, {
    user: flags.user,
    machine: flags.machine,
    key,
    ...(flags.code === undefined ? {} : { code: flags.code }),
  }).catch((err: Error & { status?: number }) => {
    // `fetch` rejects with a TypeError when nothing answered.
    if (err instanceof TypeError) throw new CommandError(`cannot reach ${flags.url}`, 4);
    throw new CommandError(err.message, err.status === 401 || err.status === 403 ? 3 : 1);
  });
  saveIdentity(path, flags.user, flags.machine);
  flags.out(`Registered ${flags.user}/${flags.machine}.`);
}

/**
 * An agent for one command. Each command has its own default session, so `who` or
 * `tail` never supersedes (4011) a `join` running in another terminal.
 */
async function client(
  flags: AgentFlags,
  defaultSession: string,
  store?: SeqStore,
): Promise<AgentClient> {
  const path = keyPath(flags.key);
  if (!existsSync(path))
    throw new UsageError(`no key at ${path}: run botgate keygen, then botgate register`);
  const { key, file } = await loadKeyFile(path);
  const user = flags.user ?? file.user;
  const machine = flags.machine ?? file.machine;
  if (!user || !machine)
    throw new UsageError("unknown identity: run botgate register (or pass --user and --machine)");
  const session = flags.session ?? defaultSession;
  return new AgentClient({
    url: flags.url,
    user,
    machine,
    key,
    session,
    connectAttempts: CONNECT_ATTEMPTS,
    // Each session keeps its own resume points next to the key.
    store:
      store ?? new FileSeqStore(join(dirname(path), `state-${user}-${machine}-${session}.json`)),
  });
}

/** One readable line for an agent event. */
export function describeAgentEvent(event: AgentEvent): string | null {
  const time = (ts: number) => new Date(ts).toISOString().slice(11, 19);
  const text = (payload: unknown) =>
    typeof payload === "object" &&
    payload !== null &&
    typeof (payload as { text?: unknown }).text === "string"
      ? (payload as { text: string }).text
      : JSON.stringify(payload);
  switch (event.type) {
    case "message":
      return `[${time(event.ts)}] ${event.from}: ${text(event.payload)}`;
    case "whisper":
      return `[${time(event.ts)}] (whisper) ${event.from}: ${text(event.payload)}`;
    case "presence":
      return (
        [...event.joined.map((p) => `* ${p} joined`), ...event.left.map((p) => `* ${p} left`)].join(
          "\n",
        ) || null
      );
    case "gap":
      return `! messages before seq ${event.from_seq} are no longer retained`;
    case "closed":
      return `! ${event.channel ?? "the inbox"} was closed by the server: ${event.code} ${event.reason}`;
  }
}

/**
 * A failed agent call as a command error: the server's error code with its message, exit 4
 * when the gateway could not be reached, 3 when the credentials were refused, else 1.
 */
function agentFailure(what: string, err: unknown): CommandError {
  const code = err instanceof RequestFailed ? err.code : "";
  const message = /^[A-Z][A-Z_]+$/.test(code)
    ? `${code}: ${(err as Error).message}`
    : (err as Error).message;
  const exit = code === "unreachable" ? 4 : /close_40(01|03)/.test(code) ? 3 : 1;
  return new CommandError(`${what}: ${message}`, exit);
}

/** How long a line typed while the channel re-dials waits for it before it is refused. */
const RECONNECT_WAIT_MS = 30_000;

/**
 * Posts a typed line; one typed while the socket re-dials (after a drop, or after the server
 * closed it for an oversized frame) waits for the link to come back instead of failing.
 */
async function postWhenConnected(
  agent: AgentClient,
  channel: string,
  text: string,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + RECONNECT_WAIT_MS;
  for (;;) {
    try {
      await agent.post(channel, { text });
      return;
    } catch (err) {
      const retry = err instanceof RequestFailed && err.code === "not_connected";
      if (!retry || Date.now() > deadline || signal.aborted) throw err;
      await sleep(250, signal);
    }
  }
}

/** A failed request in one line: the server's code and message (`too_large: …`). */
function describeFailure(err: Error): string {
  const code = err instanceof RequestFailed ? err.code : "";
  return code && code !== "connection_lost" ? `${code}: ${err.message}` : err.message;
}

async function joinOrFail(agent: AgentClient, channel: string, flags: AgentFlags) {
  try {
    return await agent.join(channel, flags.invite ? { invite: flags.invite } : {});
  } catch (err) {
    agent.close();
    throw agentFailure(`cannot join ${channel}`, err);
  }
}

/**
 * Resolves when the signal aborts or the server ends `link` for good: a channel by name, or
 * `null` for the inbox.
 */
function untilStopped(agent: AgentClient, signal: AbortSignal, link: string | null): Promise<void> {
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
    agent.on((event) => {
      if (event.type === "closed" && event.channel === link) resolve();
    });
  });
}

/** The sessions present, one line each, without the asking session itself. */
async function printWho(agent: AgentClient, channel: string, out: (line: string) => void) {
  const sessions = (await agent.who(channel)).filter((s) => s.path !== agent.path);
  if (sessions.length === 0) out("* nobody else is here");
  for (const s of sessions) out(`${s.path}  since ${new Date(s.since).toISOString()}`);
}

/**
 * `botgate join <channel>`: prints the channel and the whispers to this session, posts every
 * line read from stdin; `/who` lists who is here.
 */
export async function joinChannel(channel: string, flags: AgentFlags): Promise<void> {
  const agent = await client(flags, "cli");
  agent.on((event) => {
    const line = describeAgentEvent(event);
    if (line) flags.out(line);
  });
  await joinOrFail(agent, channel, flags);
  try {
    await agent.openInbox();
  } catch (err) {
    agent.close();
    throw agentFailure("cannot open the inbox", err);
  }
  flags.out(
    `Joined ${channel} as ${agent.path}. Type a line to post, /who to see who is here; end input (Ctrl-D) to leave.`,
  );
  const lines = createInterface({ input: flags.input, terminal: false });
  const stopped = untilStopped(agent, flags.signal, channel);
  const ended = (async () => {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      if (line.trim() === "/who") {
        await printWho(agent, channel, flags.out).catch((err: Error) =>
          flags.out(`! who failed: ${describeFailure(err)}`),
        );
        continue;
      }
      await postWhenConnected(agent, channel, line, flags.signal).catch((err: Error) =>
        flags.out(`! not posted: ${describeFailure(err)}`),
      );
    }
  })();
  await Promise.race([ended, stopped]);
  lines.close();
  agent.close();
}

/** `botgate tail <channel> [--since N] [--no-follow]`: prints messages after N, then follows. */
export async function tail(channel: string, flags: AgentFlags): Promise<void> {
  let store: SeqStore | undefined;
  if (flags.since !== undefined) {
    const since = Number(flags.since);
    if (!Number.isInteger(since) || since < 0)
      throw new UsageError("--since takes a seq (a whole number ≥ 0)");
    store = new MemorySeqStore();
    store.set(`channel:${channel}`, since);
  }
  const agent = await client(flags, "cli-tail", store);
  agent.on((event) => {
    if (event.type === "message" || event.type === "gap" || event.type === "closed") {
      const line = describeAgentEvent(event);
      if (line) flags.out(line);
    }
  });
  await joinOrFail(agent, channel, flags);
  if (flags.follow) await untilStopped(agent, flags.signal, channel);
  agent.close();
}

/** `botgate whisper <path> <text>`: whispers and says whether it was delivered or queued. */
export async function whisper(target: string, text: string, flags: AgentFlags): Promise<void> {
  const agent = await client(flags, "cli");
  // Opening the sender session's inbox also delivers what was queued for it: show it.
  agent.on((event) => {
    const line = event.type === "whisper" ? describeAgentEvent(event) : null;
    if (line) flags.out(line);
  });
  try {
    await agent.openInbox();
    flags.out(`${await agent.whisper(target, { text })}`);
  } catch (err) {
    throw agentFailure("whisper failed", err);
  } finally {
    agent.close();
  }
}

/** `botgate who <channel>`: the sessions present now. */
export async function who(channel: string, flags: AgentFlags): Promise<void> {
  const agent = await client(flags, "cli-who", new MemorySeqStore());
  await joinOrFail(agent, channel, flags);
  try {
    await printWho(agent, channel, flags.out);
  } finally {
    agent.close();
  }
}

/**
 * `botgate inbox [--no-follow]`: the whispers to this session (default `cli`, the session of
 * `join` and `whisper`) — those queued while it was away, then new ones.
 */
export async function inbox(flags: AgentFlags): Promise<void> {
  const agent = await client(flags, "cli");
  let received = 0;
  agent.on((event) => {
    if (event.type !== "whisper") return;
    received += 1;
    const line = describeAgentEvent(event);
    if (line) flags.out(line);
  });
  try {
    await agent.openInbox();
  } catch (err) {
    agent.close();
    throw agentFailure("cannot open the inbox", err);
  }
  if (received === 0) flags.out(`* no whispers waiting for ${agent.path}`);
  if (flags.follow) await untilStopped(agent, flags.signal, null);
  agent.close();
}

/** `botgate channels list`: the channels this key may see. */
export async function listChannelsCommand(flags: AgentFlags): Promise<void> {
  const path = keyPath(flags.key);
  if (!existsSync(path))
    throw new UsageError(`no key at ${path}: run botgate keygen, then botgate register`);
  const { key, file } = await loadKeyFile(path);
  const user = flags.user ?? file.user;
  const machine = flags.machine ?? file.machine;
  if (!user || !machine)
    throw new UsageError("unknown identity: run botgate register (or pass --user and --machine)");
  const channels = await listChannels(flags.url, { user, machine, key }).catch((err: Error) => {
    if (err instanceof TypeError) throw new CommandError(`cannot reach ${flags.url}`, 4);
    throw new CommandError(err.message, (err as { status?: number }).status === 401 ? 3 : 1);
  });
  flags.out(
    flags.json
      ? JSON.stringify({ channels }, null, 2)
      : table(
          ["CHANNEL", "VISIBILITY", "TOPIC"],
          channels.map((c) => [c.name, c.visibility, c.topic]),
        ),
  );
}
