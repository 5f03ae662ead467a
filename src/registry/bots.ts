import * as v from "valibot";
import { IsoTimestamp, isoNow } from "../lib/time";

export const BotKindSchema = v.picklist(["external_api", "house"]);
export type BotKind = v.InferOutput<typeof BotKindSchema>;

/** A bot as the API shows it. */
export const BotSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    name: v.string(),
    owner: v.string(),
    kind: BotKindSchema,
    /** The built-in strategy of a house bot; `null` for external bots. */
    house_strategy: v.nullable(v.string()),
    active: v.boolean(),
    created_at: IsoTimestamp,
  }),
  v.metadata({ ref: "Bot" }),
);
export type Bot = v.InferOutput<typeof BotSchema>;

interface BotRow extends Omit<Bot, "active"> {
  active: number;
}

const BOT_COLUMNS = "id, name, owner, kind, house_strategy, active, created_at";

function botFromRow(row: BotRow): Bot {
  return { ...row, active: row.active === 1 };
}

/** Creates an `external_api` bot. Returns `null` when the name is taken. */
export async function createBot(db: D1Database, name: string, owner: string): Promise<Bot | null> {
  const bot: Bot = {
    id: crypto.randomUUID(),
    name,
    owner,
    kind: "external_api",
    house_strategy: null,
    active: true,
    created_at: isoNow(),
  };
  const inserted = await db
    .prepare(
      `INSERT INTO bots (${BOT_COLUMNS}) VALUES (?, ?, ?, ?, NULL, 1, ?) ON CONFLICT (name) DO NOTHING`,
    )
    .bind(bot.id, bot.name, bot.owner, bot.kind, bot.created_at)
    .run();
  return inserted.meta.changes === 1 ? bot : null;
}

export async function getBot(db: D1Database, id: string): Promise<Bot | null> {
  const row = await db
    .prepare(`SELECT ${BOT_COLUMNS} FROM bots WHERE id = ?`)
    .bind(id)
    .first<BotRow>();
  return row ? botFromRow(row) : null;
}

/** Every bot named by id or exact name, in one query, keyed by what was asked for (an id wins over a name). */
export async function findBots(
  db: D1Database,
  idsOrNames: readonly string[],
): Promise<Map<string, Bot>> {
  const wanted = [...new Set(idsOrNames)];
  if (wanted.length === 0) return new Map();
  const list = JSON.stringify(wanted);
  const { results } = await db
    .prepare(
      `SELECT ${BOT_COLUMNS} FROM bots WHERE id IN (SELECT value FROM json_each(?))
       OR name IN (SELECT value FROM json_each(?))`,
    )
    .bind(list, list)
    .all<BotRow>();
  const bots = results.map(botFromRow);
  const byId = new Map(bots.map((bot) => [bot.id, bot]));
  const byName = new Map(bots.map((bot) => [bot.name, bot]));
  const found = new Map<string, Bot>();
  for (const key of wanted) {
    const bot = byId.get(key) ?? byName.get(key);
    if (bot) found.set(key, bot);
  }
  return found;
}

export async function listBots(db: D1Database): Promise<Bot[]> {
  const { results } = await db
    .prepare(`SELECT ${BOT_COLUMNS} FROM bots ORDER BY created_at, id`)
    .all<BotRow>();
  return results.map(botFromRow);
}
