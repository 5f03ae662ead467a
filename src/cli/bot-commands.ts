import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BotErrorData } from "../client/match-session.ts";
import { runBot } from "../client/run-bot.ts";
import type { Bot, BotFactory } from "../client/types.ts";
import { BotView } from "./bot-view.ts";
import { CONNECT_ATTEMPTS, CommandError, request, secret, UsageError } from "./config.ts";

export interface BotCommandOptions {
  url: string;
  botId: string | undefined;
  matches: number | undefined;
  out: (line: string) => void;
  signal: AbortSignal;
  /** Narrate every frame instead of one line per hand. */
  verbose?: boolean;
  /** Stop at the first bot error (exit 1) instead of counting it. */
  strict?: boolean;
}

/**
 * Why a bot module could not be loaded, in one line that names the file (and the line of a
 * syntax error, which Node reports as the first line of the stack: `path:line`).
 */
function loadFailure(file: string, err: unknown): CommandError {
  const error = err as Error & { code?: string };
  const where = /^(.+:\d+)$/m.exec(error.stack?.split("\n")[0] ?? "")?.[1];
  if (error instanceof SyntaxError && where) {
    return new CommandError(`cannot load ${file}: syntax error at ${where}: ${error.message}`);
  }
  const frame = error.stack
    ?.split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("at ") && l.includes(resolve(file)));
  return new CommandError(
    `cannot load ${file}: ${error.name ?? "Error"}: ${error.message}${frame ? ` (${frame})` : ""}`,
  );
}

/** Loads a bot module: its default export is a factory `(match) => Bot` or a `Bot` object. */
export async function loadBot(file: string): Promise<BotFactory> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`no such bot file: ${file}`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw loadFailure(file, err);
  }
  const exported = mod.default;
  if (typeof exported === "function") return exported as BotFactory;
  if (exported && typeof (exported as Bot).decide === "function") return () => exported as Bot;
  throw new UsageError(`${file} must default-export a Bot ({ decide }) or a factory returning one`);
}

/**
 * The default bot of `bot play --house`: the hand-strength example, which raises strong
 * hands and so ends matches in a reasonable number of hands (two calling stations would
 * trade blinds for thousands of hands). Resolved from this file: examples/ beside src/ in the
 * repository, the compiled lib/examples/ in an installed package (scripts/build-lib.ts).
 */
export const DEFAULT_HOUSE_OPPONENT_BOT = fileURLToPath(
  import.meta.url.endsWith(".ts")
    ? new URL("../../examples/hand-strength.ts", import.meta.url)
    : new URL("../examples/hand-strength.js", import.meta.url),
);

function botIdentity(botId: string | undefined) {
  const id = botId ?? process.env.BOTGATE_BOT_ID;
  if (!id) throw new UsageError("set --bot-id or BOTGATE_BOT_ID");
  return { botId: id, token: secret("BOTGATE_TOKEN") };
}

/** Wraps a factory so every frame of every match reaches the view. */
function viewed(factory: BotFactory, view: BotView): BotFactory {
  return (match) => {
    const bot = factory(match);
    return {
      ...bot,
      decide: (turn) => bot.decide(turn),
      onFrame: (frame) => {
        view.frame(match.matchId, frame);
        bot.onFrame?.(frame);
      },
    };
  };
}

/**
 * Runs the bot until `options.matches` have finished. `startMatch`, when given, asks for
 * each match (the house challenge): once the lobby is up, then after every match that ends
 * while more are wanted; a match resumed from an earlier run counts as one of them. A failed
 * request stops the bot with that error; so does the first bot error under `--strict`.
 */
async function play(
  factory: BotFactory,
  file: string,
  options: BotCommandOptions,
  startMatch?: () => Promise<void>,
) {
  const { botId, token } = botIdentity(options.botId);
  const stop = new AbortController();
  options.signal.addEventListener("abort", () => stop.abort(options.signal.reason), {
    once: true,
  });
  const view = new BotView({
    out: options.out,
    verbose: options.verbose === true,
    total: options.matches,
    botFile: resolve(file),
  });
  const live = new Set<string>();
  let requested = 0;
  let finished = 0;
  let failure: Error | null = null;
  let hinted = false;
  const fail = (err: Error) => {
    failure ??= err;
    stop.abort();
  };
  const requestNext = () => {
    if (!startMatch || requested > finished) return;
    if (options.matches !== undefined && requested >= options.matches) return;
    requested += 1;
    startMatch().catch(fail);
  };
  const result = await runBot(viewed(factory, view), {
    url: options.url,
    botId,
    token,
    signal: stop.signal,
    connectAttempts: CONNECT_ATTEMPTS,
    // `bot play` counts its own matches (a resumed one takes the place of a challenge).
    ...(options.matches === undefined || startMatch ? {} : { maxMatches: options.matches }),
    log: (event, data) => {
      if (event === "lobby_ready") {
        options.out(`Connected to the lobby of ${options.url} as bot ${botId}.`);
        if (!startMatch && !hinted) {
          hinted = true;
          options.out(
            "Waiting for a match (Ctrl-C stops). Matches come from an admin's POST /api/matches, a tournament or a challenge; to play a house bot now, run: botgate bot play --house --fast --bot FILE",
          );
        }
        requestNext();
      } else if (event === "matched") {
        live.add(String(data?.match_id));
        if (data?.resume) {
          view.resumed(String(data.match_id));
          if (startMatch) requested += 1;
          options.out(`Resuming match ${String(data.match_id)}, left by an earlier run.`);
        } else if (options.verbose) {
          options.out(`Matched: ${String(data?.match_id)}`);
        }
      } else if (event === "bot_error") {
        view.botError(data as unknown as BotErrorData);
        if (options.strict) fail(new CommandError("stopped at the first bot error (--strict)"));
      } else if (event === "match_over" && data?.status !== "aborted") {
        live.delete(String(data?.match_id));
        finished += 1;
        if (startMatch && options.matches !== undefined && finished >= options.matches) {
          if (live.size === 0) stop.abort();
        } else requestNext();
      } else if (event === "lobby_stopped" || event === "match_refused") {
        options.out(`${event}: ${JSON.stringify(data)}`);
      } else if (options.verbose) {
        options.out(`(${event}: ${JSON.stringify(data ?? {})})`);
      }
    },
  });
  if (options.signal.aborted) options.out("Stopped (interrupted).");
  if (options.signal.aborted || failure) {
    if (live.size > 0) {
      options.out(
        `Left ${[...live].join(", ")} unfinished: the gateway forfeits the seat if the bot is not back within 30 s.`,
      );
    }
  }
  if (failure) throw failure;
  if (result.reason === "unreachable") {
    throw new CommandError(`cannot reach the lobby of ${options.url}`, 4);
  }
  if (result.reason === "auth_failed") {
    throw new CommandError("the gateway refused the bot token (4001)", 3);
  }
  if (result.reason === "revoked") throw new CommandError("the bot token was revoked (4002)", 3);
  if (result.reason === "evicted") {
    throw new CommandError("another lobby connection replaced this one", 1);
  }
  for (const line of view.summary()) options.out(line);
  return view;
}

/** `botgate bot run <file>`: play every match the lobby delivers, with the module's bot. */
export async function botRun(file: string, options: BotCommandOptions): Promise<void> {
  await play(await loadBot(file), file, options);
}

/** `botgate bot play --house`: challenge a house bot, show the match, repeat `--matches` times. */
export async function botPlayHouse(
  options: BotCommandOptions & {
    opponent: string | undefined;
    file: string | undefined;
    fast: boolean;
  },
): Promise<void> {
  const file = options.file ?? DEFAULT_HOUSE_OPPONENT_BOT;
  const factory = await loadBot(file);
  const { token } = botIdentity(options.botId);
  const matches = options.matches ?? 1;
  await play(factory, file, { ...options, matches }, async () => {
    const challenge = await request<{ match_id: string; opponent: string }>(
      options.url,
      "POST",
      "/api/external-api/challenges/house-bot",
      token,
      { ...(options.opponent ? { opponent: options.opponent } : {}), fast: options.fast },
    );
    options.out(`Challenged ${challenge.opponent}: match ${challenge.match_id} is dispatching.`);
  });
  if (options.signal.aborted) return;
  const bot = options.file ? ` --bot ${options.file}` : "";
  options.out(
    [
      "What next:",
      "  a bot project of your own: botgate init bot my-bot (edit decide() in my-bot/bot.mjs), then",
      "    botgate bot play --house --fast --bot my-bot/bot.mjs",
      `  watch every action: botgate bot play --house${bot} --verbose`,
      `  serve matches others start (admins, tournaments): botgate bot run ${options.file ?? "my-bot.ts"}`,
    ].join("\n"),
  );
}
