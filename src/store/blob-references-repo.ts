/** The blobs the database refers to: prediction outputs, uploads, LoRA photo zips and weights. */
import type { Kysely } from "kysely";
import { fileKeysOf } from "../core/output.ts";
import { fromJson } from "./json.ts";
import type { DB } from "./schema.ts";

const PAGE = 500;

export class BlobReferencesRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Every key a row refers to, read a page at a time (a key may come more than once). */
  async *keys(): AsyncIterable<string> {
    for (let after = ""; ; ) {
      const rows = await this.#db
        .selectFrom("predictions")
        .select(["id", "output"])
        .where("output", "is not", null)
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const row of rows) yield* fileKeysOf(fromJson(row.output));
      if (rows.length < PAGE) break;
      after = rows.at(-1)?.id ?? after;
    }
    for (let after = ""; ; ) {
      const rows = await this.#db
        .selectFrom("files")
        .select(["id", "storage_key"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const row of rows) yield row.storage_key;
      if (rows.length < PAGE) break;
      after = rows.at(-1)?.id ?? after;
    }
    for (let after = ""; ; ) {
      const rows = await this.#db
        .selectFrom("loras")
        .select(["id", "zip_key", "weights_key"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        yield row.zip_key;
        if (row.weights_key) yield row.weights_key;
      }
      if (rows.length < PAGE) break;
      after = rows.at(-1)?.id ?? after;
    }
  }
}
