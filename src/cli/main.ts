#!/usr/bin/env node
/**
 * `botgate` command line. Secrets come from environment variables or files
 * (`BOTGATE_TOKEN`, `BOTGATE_ADMIN_TOKEN`, or `…_FILE`), never from arguments,
 * and are never printed back. Exit codes: 0 ok, 1 failure, 2 usage,
 * 3 credentials refused, 4 gateway unreachable, 130 interrupted (Ctrl-C).
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { adminCommand } from "./admin-commands.ts";
import {
  inbox,
  joinChannel,
  keygen,
  listChannelsCommand,
  register,
  tail,
  whisper,
  who,
} from "./agent-commands.ts";
import { botPlayHouse, botRun } from "./bot-commands.ts";
import { CommandError, gatewayUrl, INTERRUPTED, UsageError } from "./config.ts";
import { commandKey, helpText, overview, usageHint, version } from "./help.ts";
import { initProject } from "./init-command.ts";
import { mcpCommand } from "./mcp-command.ts";
import { botRunTournament, tournamentCommand } from "./tournament-commands.ts";

/** The overview of every command (`botgate --help`). */
const USAGE = overview();

const AGENT_COMMANDS = new Set(["keygen", "register", "join", "tail", "whisper", "who", "inbox"]);

const OPTIONS = {
  url: { type: "string" },
  "bot-id": { type: "string" },
  matches: { type: "string" },
  house: { type: "boolean" },
  fast: { type: "boolean" },
  verbose: { type: "boolean" },
  strict: { type: "boolean" },
  opponent: { type: "string" },
  bot: { type: "string" },
  key: { type: "string" },
  user: { type: "string" },
  machine: { type: "string" },
  session: { type: "string" },
  since: { type: "string" },
  invite: { type: "string" },
  code: { type: "string" },
  "no-follow": { type: "boolean" },
  tournament: { type: "string" },
  name: { type: "string" },
  format: { type: "string" },
  rounds: { type: "string" },
  "starts-at": { type: "string" },
  "check-in": { type: "string" },
  "max-entrants": { type: "string" },
  rated: { type: "boolean" },
  "match-config": { type: "string" },
  visibility: { type: "string" },
  topic: { type: "string" },
  json: { type: "boolean" },
  client: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

/** Runs the parsed command; throws UsageError/CommandError for the caller to print. */
async function dispatch(
  values: Values,
  positionals: string[],
  out: (line: string) => void,
  signal: AbortSignal,
  input: NodeJS.ReadableStream,
): Promise<void> {
  const [group = "", verb, arg, ...rest] = positionals;
  const url = gatewayUrl(values.url);
  const matches = values.matches === undefined ? undefined : Number(values.matches);
  if (matches !== undefined && !(Number.isInteger(matches) && matches > 0)) {
    throw new UsageError("--matches takes a positive whole number");
  }
  const common = {
    url,
    botId: values["bot-id"],
    matches,
    out,
    signal,
    verbose: values.verbose === true,
    strict: values.strict === true,
  };
  const json = values.json === true;
  const flags = {
    url,
    key: values.key,
    user: values.user,
    machine: values.machine,
    session: values.session,
    since: values.since,
    invite: values.invite,
    code: values.code,
    follow: !values["no-follow"],
    json,
    out,
    signal,
    input,
  };
  const need = (what: string, value: string | undefined) => {
    if (!value) throw new UsageError(`botgate ${group} needs ${what}`);
    return value;
  };
  if (group === "bot" && verb === "run") {
    if (!arg) throw new UsageError("botgate bot run needs a bot module file");
    if (values.tournament !== undefined) await botRunTournament(arg, common, values.tournament);
    else await botRun(arg, common);
  } else if (group === "bot" && verb === "play") {
    if (!values.house) throw new UsageError("botgate bot play needs --house");
    await botPlayHouse({
      ...common,
      opponent: values.opponent,
      file: values.bot,
      fast: values.fast === true,
    });
  } else if (AGENT_COMMANDS.has(group)) {
    if (group === "keygen") await keygen(flags);
    else if (group === "register") await register(flags);
    else if (group === "join") await joinChannel(need("a channel", verb), flags);
    else if (group === "tail") await tail(need("a channel", verb), flags);
    else if (group === "who") await who(need("a channel", verb), flags);
    else if (group === "inbox") await inbox(flags);
    else
      await whisper(
        need("a session path", verb),
        need("a text", [arg, ...rest].join(" ").trim() || undefined),
        flags,
      );
  } else if (group === "init") {
    initProject(verb, arg, values.client, out);
  } else if (group === "channels" && verb === "list") {
    await listChannelsCommand(flags);
  } else if (group === "bots" || group === "tokens" || group === "channels") {
    await adminCommand(url, group, verb, arg, {
      json,
      visibility: values.visibility,
      topic: values.topic,
      out,
    });
  } else if (group === "tournaments" || group === "leaderboard") {
    await tournamentCommand(
      url,
      group,
      verb,
      arg,
      {
        name: values.name,
        format: values.format,
        rounds: values.rounds,
        startsAt: values["starts-at"],
        checkIn: values["check-in"],
        maxEntrants: values["max-entrants"],
        rated: values.rated,
        matchConfig: values["match-config"],
      },
      { json, out },
    );
  } else {
    throw new UsageError(`unknown command: ${positionals.join(" ")}`);
  }
}

/** Runs one command; returns the exit code. `out` receives every printed line. */
export async function main(
  argv: string[],
  out: (line: string) => void = console.log,
  signal: AbortSignal = new AbortController().signal,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  // The MCP bridge has options of its own (repeatable --url) and keeps stdout for MCP.
  if (argv[0] === "mcp") return mcpCommand(argv.slice(1), process.argv[1] ?? "", signal, out);
  // The command named so far, for the usage hint of an error in its options.
  const words = argv.filter((a) => !a.startsWith("-"));
  let key = commandKey(words[0] === "help" ? words.slice(1) : words);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: OPTIONS,
    });
    if (values.version) {
      out(version());
      return 0;
    }
    if (positionals[0] === "help") {
      key = commandKey(positionals.slice(1));
      if (positionals.length > 1 && !key)
        throw new UsageError(`no such command: ${positionals.slice(1).join(" ")}`);
      out(key ? helpText(key) : USAGE);
      return 0;
    }
    if (values.help || positionals.length === 0) {
      out(key ? helpText(key) : USAGE);
      return values.help ? 0 : 2;
    }
    await dispatch(values, positionals, out, signal, input);
    return signal.aborted && signal.reason === INTERRUPTED ? 130 : 0;
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      out(`botgate: ${(err as Error).message}\n${usageHint(key)}`);
      return 2;
    }
    if (err instanceof CommandError) {
      out(`botgate: ${err.message}`);
      return err.exitCode;
    }
    out(`botgate: unexpected error: ${(err as Error).message}`);
    return 1;
  }
}

// Run when executed (directly or through the npm bin link), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const stop = new AbortController();
  // Ctrl-C: the command stops, says what it left behind, and the process exits 130.
  process.once("SIGINT", () => stop.abort(INTERRUPTED));
  process.once("SIGTERM", () => stop.abort());
  process.exitCode = await main(process.argv.slice(2), console.log, stop.signal);
  // Lingering sockets or timers must not keep a finished command alive.
  process.exit();
}
