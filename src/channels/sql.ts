/**
 * The slice of a Durable Object's SQLite API the plain channel modules use. Declared here
 * (not taken from the Workers types) so the same modules run in Node unit tests over
 * `node:sqlite`, and inside workerd over `ctx.storage.sql`.
 */
export type SqlValue = string | number | null | ArrayBuffer;

/** `exec` as on `ctx.storage.sql`: a query, its bindings, the rows. */
export interface Sql {
  exec<T extends Record<string, SqlValue>>(
    query: string,
    ...bindings: SqlValue[]
  ): { toArray(): T[] };
}

/** The rows of a query. */
export function rows<T extends Record<string, SqlValue>>(
  sql: Sql,
  query: string,
  ...bindings: SqlValue[]
): T[] {
  return sql.exec<T>(query, ...bindings).toArray();
}

/** The first row of a query, or `null`. */
export function first<T extends Record<string, SqlValue>>(
  sql: Sql,
  query: string,
  ...bindings: SqlValue[]
): T | null {
  return sql.exec<T>(query, ...bindings).toArray()[0] ?? null;
}

/** Runs schema statements one by one (portable across SQLite front ends). */
export function migrate(sql: Sql, statements: readonly string[]): void {
  for (const statement of statements) sql.exec(statement);
}
