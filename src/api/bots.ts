import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth";
import { readJsonBody } from "../http/body";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { type Bot, createBot, getBot, listBots } from "../registry/bots";

/** Bot names: what a dashboard can show and a house-bot selector can match exactly. */
export const BOT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

const CreateBotSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(BOT_NAME_PATTERN, "1–64 letters, digits, space, . _ -")),
  owner: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/))),
});

/** Loads a bot or answers the lookup miss (400: 404 is reserved for unknown routes). */
export async function requireBot(db: D1Database, id: string): Promise<Bot> {
  const bot = await getBot(db, id);
  if (!bot) throw new ApiError(400, "BOT_NOT_FOUND", "No bot with that id");
  return bot;
}

/** `/api/bots`: the admin's bot directory. */
export const botRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post("/", async (c) => {
    const body = await readJsonBody(c, CreateBotSchema);
    const bot = await createBot(c.env.DB, body.name, body.owner ?? "admin");
    if (!bot) throw new ApiError(409, "BOT_NAME_TAKEN", "A bot with that name already exists");
    return c.json({ id: bot.id, name: bot.name, kind: bot.kind }, 201);
  })
  .get("/", async (c) => c.json({ bots: await listBots(c.env.DB) }))
  .get("/:id", async (c) => c.json(await requireBot(c.env.DB, c.req.param("id"))));
