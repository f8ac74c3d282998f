/**
 * Models made through `POST /v1/models`: the token that made each (only it, or an admin, trains
 * into it and reads it), the provider it lives at, and, for gengate's own (local) models, the
 * details Replicate's model object shows.
 */
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const createdModels: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("created_models")
      /** `owner/name`: one model per name, whichever token asks. */
      .addColumn("full_name", "text", (c) => c.primaryKey())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("token_id", "text")
      .addColumn("provider", "text", (c) => c.notNull())
      /** Made at the provider (Replicate) rather than kept by gengate alone. */
      .addColumn("upstream", "integer", (c) => c.notNull())
      .addColumn("visibility", "text", (c) => c.notNull())
      .addColumn("hardware", "text", (c) => c.notNull())
      .addColumn("description", "text")
      /** JSON: the links the client gave (github_url, paper_url, license_url, cover_image_url). */
      .addColumn("links", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
  },
};
