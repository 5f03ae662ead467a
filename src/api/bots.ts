import { Hono } from "hono";
import * as v from "valibot";
import { requireAdmin } from "../http/auth";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { route } from "../http/openapi";
import { type Bot, BotKindSchema, BotSchema, createBot, getBot, listBots } from "../registry/bots";

/** Bot names: what a dashboard can show and a house-bot selector can match exactly. */
export const BOT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

const CreateBotSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(BOT_NAME_PATTERN, "1–64 letters, digits, space, . _ -")),
  /** Defaults to `admin`. */
  owner: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/))),
});

const CreatedBotSchema = v.strictObject({ id: v.string(), name: v.string(), kind: BotKindSchema });

/** The `{id}` of the bot routes, documented once for every route that takes it. */
export const BOT_ID_PARAM = { description: "The bot's id (a UUID)" };

/** Loads a bot or answers the lookup miss (400: 404 is reserved for unknown routes). */
export async function requireBot(db: D1Database, id: string): Promise<Bot> {
  const bot = await getBot(db, id);
  if (!bot) throw new ApiError(400, "BOT_NOT_FOUND", "No bot with that id");
  return bot;
}

/** `/api/bots`: the admin's bot directory. */
export const botRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .post(
    "/",
    route({
      id: "createBot",
      summary: "Create an external bot",
      description: "Names are unique; house bots are seeded by migration, never created here.",
      tag: "Bots",
      auth: "admin",
      body: CreateBotSchema,
      responses: { 201: { description: "The new bot", body: CreatedBotSchema } },
      errors: { 409: ["BOT_NAME_TAKEN"] },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const bot = await createBot(c.env.DB, body.name, body.owner ?? "admin");
      if (!bot) throw new ApiError(409, "BOT_NAME_TAKEN", "A bot with that name already exists");
      return c.json({ id: bot.id, name: bot.name, kind: bot.kind }, 201);
    },
  )
  .get(
    "/",
    route({
      id: "listBots",
      summary: "List every bot, house bots included",
      tag: "Bots",
      auth: "admin",
      responses: {
        200: { description: "All bots", body: v.strictObject({ bots: v.array(BotSchema) }) },
      },
    }),
    async (c) => c.json({ bots: await listBots(c.env.DB) }),
  )
  .get(
    "/:id",
    route({
      id: "getBot",
      summary: "Read one bot",
      tag: "Bots",
      auth: "admin",
      params: { id: BOT_ID_PARAM },
      responses: { 200: { description: "The bot", body: BotSchema } },
      errors: { 400: ["BOT_NOT_FOUND"] },
    }),
    async (c) => c.json(await requireBot(c.env.DB, c.req.param("id"))),
  );
