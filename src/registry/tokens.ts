import * as v from "valibot";
import { randomBase62, sha256Hex, timingSafeEqualText } from "../lib/crypto";
import { describeError, log } from "../lib/log";
import { IsoTimestamp, isoNow } from "../lib/time";

/** Bot token shape (bot protocol §2): the prefix and exactly 32 base62 characters. */
export const BOT_TOKEN_PREFIX = "cz_extbot";
export const BOT_TOKEN_PATTERN = /^cz_extbot_[0-9A-Za-z]{32}$/;

export const TOKEN_WARNING =
  "Store this token now: it is shown only once. If you lose it, rotate it.";

/** Metadata of a token; the plaintext never leaves `issueToken`/`rotateToken`. */
export const TokenInfoSchema = v.strictObject({
  token_id: v.string(),
  token_prefix: v.literal(BOT_TOKEN_PREFIX),
  created_at: IsoTimestamp,
  last_used_at: v.nullable(IsoTimestamp),
});
export type TokenInfo = v.InferOutput<typeof TokenInfoSchema>;

/** The one-time answer to an issue or a rotation. */
export const IssuedTokenSchema = v.pipe(
  v.strictObject({
    token: v.pipe(v.string(), v.regex(BOT_TOKEN_PATTERN), v.description("Shown only here")),
    token_id: v.string(),
    token_prefix: v.literal(BOT_TOKEN_PREFIX),
    created_at: IsoTimestamp,
    warning: v.string(),
  }),
  v.metadata({ ref: "IssuedToken" }),
);
export type IssuedToken = v.InferOutput<typeof IssuedTokenSchema>;

/** A token that authenticated: whose it is. */
export interface VerifiedToken {
  tokenId: string;
  botId: string;
  maxConcurrentMatches: number;
  /** The stored `last_used_at` (see `recordTokenUse`). */
  lastUsedAt: string | null;
}

/**
 * How often a use refreshes a token's `last_used_at`: at most once an hour, off the request
 * path. A registry write on every connect would serialise reconnect storms (every bot
 * reconnects after a deploy) on the one D1 primary, and make every check a write.
 */
const TOKEN_USE_RECORD_INTERVAL_MS = 60 * 60 * 1000;

export function isBotTokenShaped(value: string): boolean {
  return BOT_TOKEN_PATTERN.test(value);
}

export function generateBotToken(): string {
  return `${BOT_TOKEN_PREFIX}_${randomBase62(32)}`;
}

interface NewToken {
  token: string;
  id: string;
  botId: string;
  hash: string;
  createdAt: string;
}

async function newToken(botId: string): Promise<NewToken> {
  const token = generateBotToken();
  return {
    token,
    id: crypto.randomUUID(),
    botId,
    hash: await sha256Hex(token),
    createdAt: isoNow(),
  };
}

function issued(row: NewToken): IssuedToken {
  return {
    token: row.token,
    token_id: row.id,
    token_prefix: BOT_TOKEN_PREFIX,
    created_at: row.createdAt,
    warning: TOKEN_WARNING,
  };
}

/** Issues a new token for a bot; only its hash is stored. */
export async function issueToken(db: D1Database, botId: string): Promise<IssuedToken> {
  const row = await newToken(botId);
  await db
    .prepare("INSERT INTO tokens (id, bot_id, token_hash, created_at) VALUES (?, ?, ?, ?)")
    .bind(row.id, row.botId, row.hash, row.createdAt)
    .run();
  return issued(row);
}

/**
 * Revokes `tokenId` and issues a replacement for the same bot in one D1 batch
 * (a transaction): either both happen or neither. Returns `null` when the token
 * is unknown or already revoked.
 */
export async function rotateToken(db: D1Database, tokenId: string): Promise<IssuedToken | null> {
  const current = await db
    .prepare("SELECT bot_id FROM tokens WHERE id = ? AND revoked_at IS NULL")
    .bind(tokenId)
    .first<{ bot_id: string }>();
  if (!current) return null;
  const row = await newToken(current.bot_id);
  // The insert only happens if this batch's update revoked the token (`changes()`
  // reads the previous statement), so a concurrent revoke cannot leave a stray token.
  const [, inserted] = await db.batch([
    db
      .prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(row.createdAt, tokenId),
    db
      .prepare(
        "INSERT INTO tokens (id, bot_id, token_hash, created_at) SELECT ?, ?, ?, ? WHERE changes() = 1",
      )
      .bind(row.id, row.botId, row.hash, row.createdAt),
  ]);
  if (inserted?.meta.changes !== 1) return null;
  return issued(row);
}

/** Revokes a token. Idempotent; `false` only when the token does not exist. */
export async function revokeToken(db: D1Database, tokenId: string): Promise<boolean> {
  const found = await db
    .prepare("SELECT revoked_at FROM tokens WHERE id = ?")
    .bind(tokenId)
    .first<{ revoked_at: string | null }>();
  if (!found) return false;
  if (found.revoked_at === null) {
    await db
      .prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(isoNow(), tokenId)
      .run();
  }
  return true;
}

/** Non-revoked tokens of a bot, metadata only. */
export async function listTokens(db: D1Database, botId: string): Promise<TokenInfo[]> {
  const { results } = await db
    .prepare(
      "SELECT id, created_at, last_used_at FROM tokens WHERE bot_id = ? AND revoked_at IS NULL ORDER BY created_at, id",
    )
    .bind(botId)
    .all<{ id: string; created_at: string; last_used_at: string | null }>();
  return results.map((r) => ({
    token_id: r.id,
    token_prefix: BOT_TOKEN_PREFIX,
    created_at: r.created_at,
    last_used_at: r.last_used_at,
  }));
}

/**
 * Checks a presented bot token: shape first (no hashing of garbage), then the
 * hash lookup, then a constant-time comparison of the stored and computed
 * digests. Returns `null` for every failure — callers answer one opaque 401/4001.
 * A read only: the caller records the use (`recordTokenUse`) once the request is accepted.
 */
export async function verifyBotToken(
  db: D1Database,
  presented: string,
): Promise<VerifiedToken | null> {
  const token = await botTokenQuery(db, presented);
  return token ? token.read(await token.query.all()) : null;
}

/**
 * `verifyBotToken` as a query and its reader (the shape of `competitionFacts`), for a caller
 * that runs it in a D1 batch beside its own (one round trip): `null` for a token of the wrong
 * shape; `read` takes the query's result.
 */
export async function botTokenQuery(
  db: D1Database,
  presented: string,
): Promise<{
  query: D1PreparedStatement;
  read(result: D1Result | undefined): Promise<VerifiedToken | null>;
} | null> {
  if (!isBotTokenShaped(presented)) return null;
  const hash = await sha256Hex(presented);
  const query = db
    .prepare(
      "SELECT id, bot_id, token_hash, max_concurrent_matches, last_used_at FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
    )
    .bind(hash);
  return {
    query,
    read: async (result) => {
      const row = result?.results[0] as
        | {
            id: string;
            bot_id: string;
            token_hash: string;
            max_concurrent_matches: number;
            last_used_at: string | null;
          }
        | undefined;
      if (!row || !(await timingSafeEqualText(row.token_hash, hash))) return null;
      return {
        tokenId: row.id,
        botId: row.bot_id,
        maxConcurrentMatches: row.max_concurrent_matches,
        lastUsedAt: row.last_used_at,
      };
    },
  };
}

/**
 * Records an accepted use of the token (`last_used_at`) when its last record is at least
 * `TOKEN_USE_RECORD_INTERVAL_MS` old (or there is none), as a write handed to the request's
 * or the object's `waitUntil`: never on the request's path, and a failure is only logged.
 */
export function recordTokenUse(
  db: D1Database,
  token: VerifiedToken,
  now: number,
  scope: { waitUntil(promise: Promise<unknown>): void },
): void {
  const last = token.lastUsedAt === null ? null : Date.parse(token.lastUsedAt);
  if (last !== null && now - last < TOKEN_USE_RECORD_INTERVAL_MS) return;
  scope.waitUntil(
    db
      .prepare("UPDATE tokens SET last_used_at = ? WHERE id = ?")
      .bind(isoNow(now), token.tokenId)
      .run()
      .catch((err: unknown) =>
        log("warn", "token_use_record_failed", {
          token_id: token.tokenId,
          error: describeError(err),
        }),
      ),
  );
}

/** Whether a token id is still valid (the lobby's per-heartbeat revocation check). */
export async function isTokenActive(db: D1Database, tokenId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 AS ok FROM tokens WHERE id = ? AND revoked_at IS NULL")
    .bind(tokenId)
    .first<{ ok: number }>();
  return row !== null;
}
