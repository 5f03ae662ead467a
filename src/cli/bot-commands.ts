import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runBot } from "../client/run-bot.ts";
import type { Bot, BotFactory, ServerFrame } from "../client/types.ts";
import { CONNECT_ATTEMPTS, CommandError, request, secret, UsageError } from "./config.ts";
import { describeMatchFrame } from "./format.ts";

export interface BotCommandOptions {
  url: string;
  botId: string | undefined;
  matches: number | undefined;
  out: (line: string) => void;
  signal: AbortSignal;
}

/** Loads a bot module: its default export is a factory `(match) => Bot` or a `Bot` object. */
export async function loadBot(file: string): Promise<BotFactory> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  const exported = mod.default;
  if (typeof exported === "function") return exported as BotFactory;
  if (exported && typeof (exported as Bot).decide === "function") return () => exported as Bot;
  throw new UsageError(`${file} must default-export a Bot ({ decide }) or a factory returning one`);
}

/**
 * The default bot of `bot play --house`: the hand-strength example, which raises strong
 * hands and so ends matches in a reasonable number of hands (two calling stations would
 * trade blinds for thousands of hands). Resolved from this file, under src/ or lib/ alike.
 */
export const DEFAULT_HOUSE_OPPONENT_BOT = fileURLToPath(
  new URL("../../examples/hand-strength.ts", import.meta.url),
);

function botIdentity(botId: string | undefined) {
  const id = botId ?? process.env.BOTGATE_BOT_ID;
  if (!id) throw new UsageError("set --bot-id or BOTGATE_BOT_ID");
  return { botId: id, token: secret("BOTGATE_TOKEN") };
}

/** Wraps a factory so every match frame is printed as a readable line. */
function narrated(factory: BotFactory, out: (line: string) => void): BotFactory {
  return (match) => {
    const bot = factory(match);
    const names = new Map<number, string>();
    return {
      ...bot,
      decide: (turn) => bot.decide(turn),
      onFrame: (frame: ServerFrame) => {
        const line = describeMatchFrame(frame, names);
        if (line) out(line);
        bot.onFrame?.(frame);
      },
    };
  };
}

/**
 * Runs the bot until `options.matches` have finished. `startMatch`, when given, asks for
 * each match (the house challenge): once the lobby is up, then after every match that ends
 * while more are wanted. A failed request stops the bot with that error.
 */
async function play(
  factory: BotFactory,
  options: BotCommandOptions,
  startMatch?: () => Promise<void>,
) {
  const { botId, token } = botIdentity(options.botId);
  const stop = new AbortController();
  options.signal.addEventListener("abort", () => stop.abort(), { once: true });
  let requested = 0;
  let finished = 0;
  let failure: Error | null = null;
  const requestNext = () => {
    if (!startMatch || requested > finished) return;
    if (options.matches !== undefined && requested >= options.matches) return;
    requested += 1;
    startMatch().catch((err: unknown) => {
      failure = err as Error;
      stop.abort();
    });
  };
  const result = await runBot(narrated(factory, options.out), {
    url: options.url,
    botId,
    token,
    signal: stop.signal,
    connectAttempts: CONNECT_ATTEMPTS,
    ...(options.matches === undefined ? {} : { maxMatches: options.matches }),
    log: (event, data) => {
      if (event === "lobby_ready") {
        options.out(`Connected to the lobby of ${options.url} as bot ${botId}.`);
        requestNext();
      } else if (event === "matched") {
        options.out(
          `Matched: ${String(data?.match_id)}${data?.resume ? " (resumed after a restart)" : ""}`,
        );
      } else if (event === "match_over") {
        finished += 1;
        requestNext();
      } else if (event === "lobby_stopped" || event === "match_refused") {
        options.out(`${event}: ${JSON.stringify(data)}`);
      }
    },
  });
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
  return result;
}

/** `botgate bot run <file>`: play every match the lobby delivers, with the module's bot. */
export async function botRun(file: string, options: BotCommandOptions): Promise<void> {
  await play(await loadBot(file), options);
}

/** `botgate bot play --house`: challenge a house bot, narrate the match, repeat `--matches` times. */
export async function botPlayHouse(
  options: BotCommandOptions & { opponent: string | undefined; file: string | undefined },
): Promise<void> {
  const factory = await loadBot(options.file ?? DEFAULT_HOUSE_OPPONENT_BOT);
  const { token } = botIdentity(options.botId);
  await play(factory, { ...options, matches: options.matches ?? 1 }, async () => {
    const challenge = await request<{ match_id: string; opponent: string }>(
      options.url,
      "POST",
      "/api/external-api/challenges/house-bot",
      token,
      options.opponent ? { opponent: options.opponent } : {},
    );
    options.out(`Challenged ${challenge.opponent}: match ${challenge.match_id} is dispatching.`);
  });
}
