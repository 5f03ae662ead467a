/**
 * The D1 directory of tournaments (`tournaments`: mirrored by each object on every status
 * change), read by the HTTP list and the operator methods without waking any object.
 */
import type { TournamentStatus, TournamentSummary } from "./view.ts";

interface DirectoryRow extends Omit<TournamentSummary, "rated"> {
  rated: number;
}

/** A page of the directory, newest first. */
export async function listTournaments(
  db: D1Database,
  page: { status?: TournamentStatus | undefined; limit: number; offset: number },
): Promise<TournamentSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT id, name, format, status, rated, starts_at, created_at, ended_at FROM tournaments
       WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3`,
    )
    .bind(page.status ?? null, page.limit, page.offset)
    .all<DirectoryRow>();
  return results.map((row) => ({ ...row, rated: row.rated === 1 }));
}
