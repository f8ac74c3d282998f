/**
 * Hot statements compiled once per shape (which columns, how many values) instead of built by
 * Kysely on every run: building and compiling a query costs more CPU than SQLite running it.
 * A shape is kept only when Kysely's own compilation of its first run bound exactly the values the
 * caller lists, in that order: a shape whose values cannot be listed so is built every time.
 * On SQLite a kept shape runs at once when no transaction holds the connection (`runDirectly`).
 */
import { type Compilable, CompiledQuery, type Kysely } from "kysely";
import type { DB } from "./schema.ts";
import { runDirectly } from "./sqlite-driver.ts";

export class CompiledShapes {
  /** SQL by shape; null for a shape that is always built. */
  readonly #sql = new Map<string, string | null>();

  /** Runs the statement `build` makes, whose values bound in order are `parameters`; its rows. */
  async run<Row>(
    db: Kysely<DB>,
    shape: string,
    parameters: readonly unknown[],
    build: () => Compilable<Row>,
  ): Promise<Row[]> {
    const sql = this.#sql.get(shape);
    if (sql) {
      const rows = runDirectly(db, sql, parameters);
      if (rows) return rows as Row[];
      return (await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]))).rows;
    }
    const compiled = build().compile();
    if (sql === undefined)
      this.#sql.set(shape, sameValues(compiled.parameters, parameters) ? compiled.sql : null);
    return (await db.executeQuery(compiled)).rows;
  }
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
