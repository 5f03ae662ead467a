/**
 * The sled directory and uplink tokens in D1 (docs/sleds.md): one project per sled, one
 * active token per project (minted once, rotated, revoked), stored hashed. The plaintext
 * exists only in the answer to `issueSledToken` / `rotateSledToken`.
 */
import * as v from "valibot";
import { randomBase62, sha256Hex, timingSafeEqualText } from "../lib/crypto.ts";
import { IsoTimestamp, isoNow } from "../lib/time.ts";

export const SLED_TOKEN_PREFIX = "bgsled";
export const SLED_TOKEN_PATTERN = /^bgsled_[0-9A-Za-z]{32}$/;
/** A project name: 1–64 of a-z 0-9 _ -, starting with a letter or digit. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const SledInfoSchema = v.pipe(
  v.strictObject({
    project: v.string(),
    created_at: IsoTimestamp,
    token_id: v.nullable(v.string()),
    token_created_at: v.nullable(IsoTimestamp),
    revoked: v.pipe(v.boolean(), v.description("No active token: the sled cannot connect")),
  }),
  v.metadata({ ref: "Sled" }),
);
export type SledInfo = v.InferOutput<typeof SledInfoSchema>;

export const IssuedSledTokenSchema = v.pipe(
  v.strictObject({
    project: v.string(),
    token: v.pipe(v.string(), v.regex(SLED_TOKEN_PATTERN), v.description("Shown only here")),
    token_id: v.string(),
    created_at: IsoTimestamp,
    warning: v.string(),
  }),
  v.metadata({ ref: "IssuedSledToken" }),
);
export type IssuedSledToken = Omit<v.InferOutput<typeof IssuedSledTokenSchema>, "warning">;

/** A presented token that is valid: its project and id. */
export interface VerifiedSledToken {
  project: string;
  tokenId: string;
}

async function mint(project: string): Promise<IssuedSledToken & { hash: string }> {
  const token = `${SLED_TOKEN_PREFIX}_${randomBase62(32)}`;
  return {
    project,
    token,
    token_id: crypto.randomUUID(),
    created_at: isoNow(),
    hash: await sha256Hex(token),
  };
}

function insert(db: D1Database, row: IssuedSledToken & { hash: string }): D1PreparedStatement {
  return db
    .prepare("INSERT INTO sled_tokens (id, project, token_hash, created_at) VALUES (?, ?, ?, ?)")
    .bind(row.token_id, row.project, row.hash, row.created_at);
}

function publicPart(row: IssuedSledToken & { hash: string }): IssuedSledToken {
  const { hash: _hash, ...rest } = row;
  return rest;
}

/** Registers a project and mints its first token; `null` when the project exists. */
export async function issueSledToken(
  db: D1Database,
  project: string,
): Promise<IssuedSledToken | null> {
  const row = await mint(project);
  const [created] = await db.batch([
    db
      .prepare("INSERT INTO sleds (project, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind(project, row.created_at),
  ]);
  if ((created?.meta.changes ?? 0) === 0) return null;
  await insert(db, row).run();
  return publicPart(row);
}

/** Revokes the project's active token and mints a new one; `null` for an unknown project. */
export async function rotateSledToken(
  db: D1Database,
  project: string,
): Promise<IssuedSledToken | null> {
  const row = await mint(project);
  const exists = await db
    .prepare("SELECT 1 AS ok FROM sleds WHERE project = ?")
    .bind(project)
    .first();
  if (!exists) return null;
  await db.batch([
    db
      .prepare("UPDATE sled_tokens SET revoked_at = ? WHERE project = ? AND revoked_at IS NULL")
      .bind(row.created_at, project),
    insert(db, row),
  ]);
  return publicPart(row);
}

/** Revokes the project's tokens (idempotent); `false` for an unknown project. */
export async function revokeSledTokens(db: D1Database, project: string): Promise<boolean> {
  const [, found] = await db.batch([
    db
      .prepare("UPDATE sled_tokens SET revoked_at = ? WHERE project = ? AND revoked_at IS NULL")
      .bind(isoNow(), project),
    db.prepare("SELECT 1 AS ok FROM sleds WHERE project = ?").bind(project),
  ]);
  return (found?.results.length ?? 0) > 0;
}

/** Every sled, by project, with its active token's id (never a plaintext or hash). */
export async function listSleds(db: D1Database): Promise<SledInfo[]> {
  const { results } = await db
    .prepare(
      `SELECT s.project, s.created_at, t.id AS token_id, t.created_at AS token_created_at
       FROM sleds s LEFT JOIN sled_tokens t ON t.project = s.project AND t.revoked_at IS NULL
       ORDER BY s.project`,
    )
    .all<{
      project: string;
      created_at: string;
      token_id: string | null;
      token_created_at: string | null;
    }>();
  return results.map((row) => ({ ...row, revoked: row.token_id === null }));
}

/**
 * Projects this isolate has seen registered. A project is never removed (revoking keeps its
 * row), so a "yes" never goes stale: the MCP relay asks D1 once per project per isolate, not
 * once per call. Bounded: past the cap it starts over.
 */
const registered = new Set<string>();
const REGISTERED_CAP = 10_000;

/** Whether the project is registered. */
export async function sledExists(db: D1Database, project: string): Promise<boolean> {
  if (!PROJECT_NAME.test(project)) return false;
  if (registered.has(project)) return true;
  const row = await db.prepare("SELECT 1 AS ok FROM sleds WHERE project = ?").bind(project).first();
  if (row === null) return false;
  if (registered.size >= REGISTERED_CAP) registered.clear();
  registered.add(project);
  return true;
}

/** Checks a presented uplink token: shape, hash lookup, constant-time compare. */
export async function verifySledToken(
  db: D1Database,
  presented: string,
): Promise<VerifiedSledToken | null> {
  if (!SLED_TOKEN_PATTERN.test(presented)) return null;
  const hash = await sha256Hex(presented);
  const row = await db
    .prepare(
      "SELECT id, project, token_hash FROM sled_tokens WHERE token_hash = ? AND revoked_at IS NULL",
    )
    .bind(hash)
    .first<{ id: string; project: string; token_hash: string }>();
  if (!row || !(await timingSafeEqualText(row.token_hash, hash))) return null;
  return { project: row.project, tokenId: row.id };
}

/** Whether this token id is still active (the object's periodic revocation check). */
export async function sledTokenActive(db: D1Database, tokenId: string): Promise<boolean> {
  return (
    (await db
      .prepare("SELECT 1 AS ok FROM sled_tokens WHERE id = ? AND revoked_at IS NULL")
      .bind(tokenId)
      .first()) !== null
  );
}
