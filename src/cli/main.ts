#!/usr/bin/env node
/**
 * `botgate` command line. Secrets come from environment variables or files
 * (`BOTGATE_TOKEN`, `BOTGATE_ADMIN_TOKEN`, or `…_FILE`), never from arguments,
 * and are never printed back. Exit codes: 0 ok, 1 failure, 2 usage,
 * 3 credentials refused, 4 gateway unreachable.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { adminCommand } from "./admin-commands.ts";
import { joinChannel, keygen, register, tail, whisper, who } from "./agent-commands.ts";
import { botPlayHouse, botRun } from "./bot-commands.ts";
import { CommandError, gatewayUrl, INTERRUPTED, UsageError } from "./config.ts";
import { mcpCommand } from "./mcp-command.ts";
import { botRunTournament, tournamentCommand } from "./tournament-commands.ts";

export const USAGE = `usage: botgate <command> [options]

Bots (BOTGATE_BOT_ID or --bot-id, BOTGATE_TOKEN or BOTGATE_TOKEN_FILE):
  bot run <file> [--matches N]          run a bot module on every match the lobby delivers
  bot run <file> --tournament ID        enter the tournament, play every round from the one
                                        lobby, print the standings as rounds end; exits at
                                        its end
  bot play --house [--fast] [--opponent NAME] [--bot FILE] [--matches N]
                                        challenge a house bot N times in a row (default 1),
                                        one line per hand and a summary; --fast: the house
                                        bot answers at once; the default bot is
                                        examples/hand-strength.ts
  (bot run and bot play: --verbose narrates every action, --strict stops at the first
   error the bot throws; Ctrl-C stops within a second, exit 130)
Agents (key file: --key, BOTGATE_AGENT_KEY_FILE or ~/.config/botgate/agent.key.json):
  keygen                                create a new Ed25519 key file (mode 0600)
  register --user U --machine M [--code C]
                                        claim a user name and enrol this key as a machine
  join <channel> [--session S] [--invite T]   (sessions default to cli, cli-tail, cli-who)
                                        print the channel; every line you type is posted
  tail <channel> [--since SEQ] [--no-follow]
                                        print messages after SEQ (default: where this session
                                        stopped), then follow new ones
  whisper <user/machine/session> <text> whisper to a session (prints delivered or queued)
  who <channel>                         list the sessions present
MCP (for agent hosts such as Claude Code; botgate mcp --help for its options):
  mcp [--url URL]... [--channel C]... [--bot-id ID] [--print-config]
                                        an MCP server on stdio: channels, whispers, poker
Admin (BOTGATE_ADMIN_TOKEN or BOTGATE_ADMIN_TOKEN_FILE; locally .dev.vars is read):
  bots list | bots create <name>
  tokens issue <bot_id> | tokens list <bot_id> | tokens rotate <token_id> | tokens revoke <token_id>
  tournaments create --name N --format round_robin|swiss|knockout [--rounds N (swiss)]
      [--starts-at ISO] [--check-in SECONDS] [--max-entrants N] [--rated] [--match-config JSON]
  tournaments list | tournaments show <id> | tournaments start <id> (now) | tournaments cancel <id>
Public: leaderboard

Common options: --url URL (default BOTGATE_URL or http://127.0.0.1:8787)`;

const AGENT_COMMANDS = new Set(["keygen", "register", "join", "tail", "whisper", "who"]);

/** Runs one command; returns the exit code. `out` receives every printed line. */
export async function main(
  argv: string[],
  out: (line: string) => void = console.log,
  signal: AbortSignal = new AbortController().signal,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  // The MCP bridge has options of its own (repeatable --url) and keeps stdout for MCP.
  if (argv[0] === "mcp") return mcpCommand(argv.slice(1), process.argv[1] ?? "", signal, out);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
        help: { type: "boolean", short: "h" },
      },
    });
    const [group, verb, arg, ...rest] = positionals;
    if (values.help || !group) {
      out(USAGE);
      return values.help ? 0 : 2;
    }
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
        out,
        signal,
        input,
      };
      const need = (what: string, value: string | undefined) => {
        if (!value) throw new UsageError(`botgate ${group} needs ${what}`);
        return value;
      };
      if (group === "keygen") await keygen(flags);
      else if (group === "register") await register(flags);
      else if (group === "join") await joinChannel(need("a channel", verb), flags);
      else if (group === "tail") await tail(need("a channel", verb), flags);
      else if (group === "who") await who(need("a channel", verb), flags);
      else
        await whisper(
          need("a session path", verb),
          need("a text", [arg, ...rest].join(" ").trim() || undefined),
          flags,
        );
    } else if (group === "bots" || group === "tokens") {
      await adminCommand(url, group, verb, arg, out);
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
        out,
      );
    } else {
      throw new UsageError(`unknown command: ${positionals.join(" ")}`);
    }
    return signal.aborted && signal.reason === INTERRUPTED ? 130 : 0;
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      out(`botgate: ${(err as Error).message}\n\n${USAGE}`);
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
