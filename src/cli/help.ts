/**
 * The `botgate` help texts: one entry per command (`botgate help <command>` and
 * `botgate <command> --help` print it), and the overview built from their first lines.
 * A usage error prints one line, then the command's usage line and where to read more.
 */
import { readFileSync } from "node:fs";
import { MCP_USAGE } from "../mcp/options.ts";

interface CommandHelp {
  /** The section of the overview. */
  section: "Projects" | "Bots" | "Agents" | "Admin" | "Public" | "MCP";
  /** The usage line(s): the command and its arguments. */
  usage: string;
  /** What it does, and its options. */
  details: string;
}

const BOT_ENV = "Needs BOTGATE_BOT_ID (or --bot-id) and BOTGATE_TOKEN (or BOTGATE_TOKEN_FILE).";
const VIEW = `Prints one line per hand and a summary per match; --verbose narrates every action.
An error the bot throws is printed once with the bot file's line and counted (the turn is
checked or folded); --strict stops at the first one (exit 1). Ctrl-C stops within a second,
says which match it left unfinished (its seat forfeits after 30 s away) and exits 130.`;
const KEY = `The key file: --key, BOTGATE_AGENT_KEY_FILE or ~/.config/botgate/agent.key.json.`;
const ADMIN = `Needs BOTGATE_ADMIN_TOKEN (or BOTGATE_ADMIN_TOKEN_FILE); locally .dev.vars is read.`;

export const COMMANDS: Record<string, CommandHelp> = {
  init: {
    section: "Projects",
    usage: "init bot|agent <dir> [--client SPEC]",
    details: `Writes a runnable project into <dir> (new or empty): bot.mjs or agent.mjs, a README,
and a package.json depending on this botgate package (--client: another source for it — a
tarball from npm pack, a path). Plain JavaScript: it runs with Node 20 or newer.`,
  },
  "bot run": {
    section: "Bots",
    usage: "bot run <file> [--matches N] [--tournament ID] [--verbose] [--strict]",
    details: `Runs a bot module (default export: a Bot { decide } or a factory) on every match the
lobby delivers: an admin's POST /api/matches, a tournament round, a challenge. --matches N
stops after N; --tournament ID enters the tournament, prints the standings as rounds end and
exits at its end. ${BOT_ENV}\n${VIEW}`,
  },
  "bot play": {
    section: "Bots",
    usage:
      "bot play --house [--fast] [--opponent NAME] [--bot FILE] [--matches N] [--verbose] [--strict]",
    details: `Challenges a house bot N times in a row (default 1) and plays with FILE (default
examples/hand-strength.ts). --fast: the house bot answers at once, so a match takes seconds.
--opponent: a house bot's name (house-calling-station, house-random, house-hand-strength).
${BOT_ENV}\n${VIEW}`,
  },
  keygen: {
    section: "Agents",
    usage: "keygen [--key FILE]",
    details: `Creates a new Ed25519 key file (mode 0600); refuses to overwrite one. ${KEY}`,
  },
  register: {
    section: "Agents",
    usage: "register --user U --machine M [--code C]",
    details: `Claims the user name U and enrols this key as its machine M (a second machine of the
same user needs an enrolment code C from the first). ${KEY}`,
  },
  join: {
    section: "Agents",
    usage: "join <channel> [--session S] [--invite T]",
    details: `Prints the channel (and whispers to this session) and posts every line you type;
"/who" lists who is here. Ctrl-D leaves. Session default: cli. ${KEY}`,
  },
  tail: {
    section: "Agents",
    usage: "tail <channel> [--since SEQ] [--no-follow]",
    details: `Prints the messages after SEQ (default: where this session stopped), then follows new
ones (--no-follow: stop when caught up). Session default: cli-tail. ${KEY}`,
  },
  whisper: {
    section: "Agents",
    usage: "whisper <user/machine/session> <text>",
    details: `Whispers to a session; prints "delivered" or "queued" (the target is offline and gets
it when it connects). ${KEY}`,
  },
  inbox: {
    section: "Agents",
    usage: "inbox [--session S] [--no-follow]",
    details: `Prints the whispers received by session S (default cli, the session of join and
whisper): those queued while it was away, then new ones (--no-follow: stop after the
queued ones). ${KEY}`,
  },
  who: {
    section: "Agents",
    usage: "who <channel>",
    details: `Lists the sessions present in a channel. ${KEY}`,
  },
  channels: {
    section: "Agents",
    usage: "channels list [--json] | channels create <name> [--visibility V] [--topic T]",
    details: `list: the channels this key may see (public ones, and those it belongs to).
create (admin): a channel; --visibility public (default), unlisted or private. ${KEY}
${ADMIN}`,
  },
  bots: {
    section: "Admin",
    usage: "bots list [--json] | bots create <name>",
    details: `Lists the bots (a table; --json for scripts) or creates one. ${ADMIN}`,
  },
  tokens: {
    section: "Admin",
    usage: "tokens issue|list <bot> | tokens rotate|revoke <token_id>  [--json]",
    details: `issue: a new bot token for <bot> (an id or a name), shown once; list: its tokens;
rotate: a new secret for a token; revoke: ends it (its sockets close). ${ADMIN}`,
  },
  tournaments: {
    section: "Admin",
    usage:
      "tournaments create --name N --format round_robin|swiss|knockout [options] | list | show|start|cancel <id>",
    details: `create options: --rounds N (swiss), --starts-at ISO, --check-in SECONDS,
--max-entrants N, --rated, --match-config JSON. start: now (entries close). ${ADMIN}`,
  },
  leaderboard: {
    section: "Public",
    usage: "leaderboard [--json]",
    details: "The rated bots, best first.",
  },
  mcp: {
    section: "MCP",
    usage: "mcp [--url URL]... [--channel C]... [--bot-id ID] [--print-config]",
    details: MCP_USAGE,
  },
};

const COMMON = `Common options: --url URL (default BOTGATE_URL or http://127.0.0.1:8787), --help, --version
Exit codes: 0 ok, 1 failure, 2 usage, 3 credentials refused, 4 gateway unreachable, 130 Ctrl-C`;

/** The overview: every command's usage line, by section. */
export function overview(): string {
  const sections = new Map<string, string[]>();
  for (const [, help] of Object.entries(COMMANDS)) {
    const lines = sections.get(help.section) ?? [];
    lines.push(`  botgate ${help.usage}`);
    sections.set(help.section, lines);
  }
  const body = [...sections].map(([name, lines]) => `${name}:\n${lines.join("\n")}`).join("\n");
  return `usage: botgate <command> [options]   (botgate help <command> for details)\n\n${body}\n\n${COMMON}`;
}

/** The help entry for `words` (e.g. ["bot", "run"] or ["tokens"]), if there is one. */
export function commandKey(words: Array<string | undefined>): string | undefined {
  const [group, verb] = words;
  if (group && verb && COMMANDS[`${group} ${verb}`]) return `${group} ${verb}`;
  if (group && COMMANDS[group]) return group;
  if (group === "bot") return "bot";
  return undefined;
}

/** The full help of a command (`bot` alone: both bot commands). */
export function helpText(key: string): string {
  if (key === "bot") return [helpText("bot run"), helpText("bot play")].join("\n\n");
  const help = COMMANDS[key];
  if (!help) return overview();
  return `usage: botgate ${help.usage}\n\n${help.details}`;
}

/** The two lines after a usage error's message: the usage line, and where to read more. */
export function usageHint(key: string | undefined): string {
  if (key === "bot") return `${usageHint("bot run")}\n${usageHint("bot play")}`;
  const help = key ? COMMANDS[key] : undefined;
  if (!help) return "run 'botgate help' for the commands";
  return `usage: botgate ${help.usage}\nrun 'botgate help ${key}' for details`;
}

/** The package version (package.json next to src/ or lib/). */
export function version(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
