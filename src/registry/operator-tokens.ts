/**
 * Operator tokens in D1: minted with a name and a scope set, stored hashed, revoked by id.
 * The plaintext exists only in the answer to `issueOperatorToken`.
 */
import * as v from "valibot";
import { randomBase62, sha256Hex, timingSafeEqualText } from "../lib/crypto.ts";
import { IsoTimestamp, isoNow } from "../lib/time.ts";
import { expandScopes, SCOPES, type Scope } from "../operators/scopes.ts";

export const OPERATOR_TOKEN_PREFIX = "bgop";
export const OPERATOR_TOKEN_PATTERN = /^bgop_[0-9A-Za-z]{32}$/;

/** A token as the admin API lists it (never the plaintext or the hash). */
export const OperatorTokenInfoSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    name: v.string(),
    scopes: v.array(v.picklist(SCOPES)),
    created_at: IsoTimestamp,
    revoked_at: v.nullable(IsoTimestamp),
  }),
  v.metadata({ ref: "OperatorToken" }),
);
export type OperatorTokenInfo = v.InferOutput<typeof OperatorTokenInfoSchema>;

/** The one-time answer to a mint: the token's metadata, the plaintext and the warning. */
export const IssuedOperatorTokenSchema = v.pipe(
  v.strictObject({
    token: v.pipe(v.string(), v.regex(/^bgop_[0-9A-Za-z]{32}$/), v.description("Shown only here")),
    id: v.string(),
    name: v.string(),
    scopes: v.array(v.picklist(SCOPES)),
    created_at: IsoTimestamp,
    revoked_at: v.null(),
    warning: v.string(),
  }),
  v.metadata({ ref: "IssuedOperatorToken" }),
);

/** A presented token that is valid: whose it is and what it allows. */
export interface VerifiedOperatorToken {
  id: string;
  name: string;
  scopes: Scope[];
}

interface Row {
  id: string;
  name: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

function info(row: Row): OperatorTokenInfo {
  return { ...row, scopes: expandStored(row.scopes) };
}

/** The stored scope list, closed under implication; anything unreadable grants nothing. */
function expandStored(json: string): Scope[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? expandScopes(parsed.filter((s) => typeof s === "string")) : [];
  } catch {
    return [];
  }
}

/** Mints a token; only its hash is stored. */
export async function issueOperatorToken(
  db: D1Database,
  input: { name: string; scopes: readonly Scope[] },
): Promise<OperatorTokenInfo & { token: string }> {
  const token = `${OPERATOR_TOKEN_PREFIX}_${randomBase62(32)}`;
  const row: Row = {
    id: crypto.randomUUID(),
    name: input.name,
    scopes: JSON.stringify(expandScopes(input.scopes)),
    created_at: isoNow(),
    revoked_at: null,
  };
  await db
    .prepare(
      "INSERT INTO operator_tokens (id, name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(row.id, row.name, await sha256Hex(token), row.scopes, row.created_at)
    .run();
  return { token, ...info(row) };
}

/** Every token, newest first, revoked ones included (with their revocation time). */
export async function listOperatorTokens(db: D1Database): Promise<OperatorTokenInfo[]> {
  const { results } = await db
    .prepare(
      "SELECT id, name, scopes, created_at, revoked_at FROM operator_tokens ORDER BY created_at DESC, id",
    )
    .all<Row>();
  return results.map(info);
}

/** Revokes a token. Idempotent; `false` only when no token has that id. */
export async function revokeOperatorToken(db: D1Database, id: string): Promise<boolean> {
  const [, found] = await db.batch([
    db
      .prepare("UPDATE operator_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(isoNow(), id),
    db.prepare("SELECT 1 AS ok FROM operator_tokens WHERE id = ?").bind(id),
  ]);
  return (found?.results.length ?? 0) > 0;
}

/**
 * Checks a presented operator token: shape first (a bot token or an agent key never reaches
 * the hash), then the hash lookup, then a constant-time comparison. `null` for every failure.
 */
export async function verifyOperatorToken(
  db: D1Database,
  presented: string,
): Promise<VerifiedOperatorToken | null> {
  if (!OPERATOR_TOKEN_PATTERN.test(presented)) return null;
  const hash = await sha256Hex(presented);
  const row = await db
    .prepare(
      "SELECT id, name, scopes, token_hash FROM operator_tokens WHERE token_hash = ? AND revoked_at IS NULL",
    )
    .bind(hash)
    .first<{ id: string; name: string; scopes: string; token_hash: string }>();
  if (!row || !(await timingSafeEqualText(row.token_hash, hash))) return null;
  return { id: row.id, name: row.name, scopes: expandStored(row.scopes) };
}

/** D1 binds at most 100 parameters per statement. */
const ID_CHUNK = 90;

/** Which of `ids` are still valid (the hub's periodic revocation check of live sockets). */
export async function activeOperatorTokenIds(
  db: D1Database,
  ids: readonly string[],
): Promise<Set<string>> {
  const active = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const { results } = await db
      .prepare(
        `SELECT id FROM operator_tokens WHERE revoked_at IS NULL AND id IN (${chunk.map(() => "?").join(", ")})`,
      )
      .bind(...chunk)
      .all<{ id: string }>();
    for (const row of results) active.add(row.id);
  }
  return active;
}
