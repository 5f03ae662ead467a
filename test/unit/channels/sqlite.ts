/**
 * The channel modules' `Sql` over an in-memory `node:sqlite` database, so the same plain
 * modules that run on a Durable Object's storage are tested in Node against real SQLite.
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { Sql, SqlValue } from "../../../src/channels/sql.ts";

export function memorySql(): Sql {
  const db = new DatabaseSync(":memory:");
  return {
    exec<T>(query: string, ...bindings: SqlValue[]) {
      const values = bindings.map((b) => (b instanceof ArrayBuffer ? new Uint8Array(b) : b));
      const rows = db.prepare(query).all(...(values as SQLInputValue[])) as T[];
      return { toArray: () => rows };
    },
  };
}
