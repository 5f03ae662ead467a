import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { AgentClient, type AgentEvent } from "../client/agent-client.ts";
import { registerAgent } from "../client/agent-keys.ts";
import { MemorySeqStore, RequestFailed, type SeqStore } from "../client/agent-link.ts";
import { createKeyFile, FileSeqStore, loadKeyFile, saveIdentity } from "../client/node.ts";
import { CONNECT_ATTEMPTS, CommandError, UsageError } from "./config.ts";

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
      return `! closed by the server: ${event.code} ${event.reason}`;
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

async function joinOrFail(agent: AgentClient, channel: string, flags: AgentFlags) {
  try {
    return await agent.join(channel, flags.invite ? { invite: flags.invite } : {});
  } catch (err) {
    agent.close();
    throw agentFailure(`cannot join ${channel}`, err);
  }
}

/** Resolves when the signal aborts or the server ends the channel for good. */
function untilStopped(agent: AgentClient, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
    agent.on((event) => {
      if (event.type === "closed") resolve();
    });
  });
}

/** `botgate join <channel>`: prints the channel and posts every line read from stdin. */
export async function joinChannel(channel: string, flags: AgentFlags): Promise<void> {
  const agent = await client(flags, "cli");
  agent.on((event) => {
    const line = describeAgentEvent(event);
    if (line) flags.out(line);
  });
  await joinOrFail(agent, channel, flags);
  flags.out(
    `Joined ${channel} as ${agent.path}. Type a line to post; end input (Ctrl-D) to leave.`,
  );
  const lines = createInterface({ input: flags.input, terminal: false });
  const stopped = untilStopped(agent, flags.signal);
  const ended = (async () => {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      await agent
        .post(channel, { text: line })
        .catch((err: Error) => flags.out(`! not posted: ${err.message}`));
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
  if (flags.follow) await untilStopped(agent, flags.signal);
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
    for (const s of await agent.who(channel)) {
      // This command's own momentary session is not news to its user.
      if (s.path !== agent.path) flags.out(`${s.path}  since ${new Date(s.since).toISOString()}`);
    }
  } finally {
    agent.close();
  }
}
