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

const COLUMNS = "id, name, owner, kind, house_strategy, active, created_at";

function fromRow(row: BotRow): Bot {
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
      `INSERT INTO bots (${COLUMNS}) VALUES (?, ?, ?, ?, NULL, 1, ?) ON CONFLICT (name) DO NOTHING`,
    )
    .bind(bot.id, bot.name, bot.owner, bot.kind, bot.created_at)
    .run();
  return inserted.meta.changes === 1 ? bot : null;
}

export async function getBot(db: D1Database, id: string): Promise<Bot | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM bots WHERE id = ?`).bind(id).first<BotRow>();
  return row ? fromRow(row) : null;
}

export async function listBots(db: D1Database): Promise<Bot[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM bots ORDER BY created_at, id`)
    .all<BotRow>();
  return results.map(fromRow);
}
