/** Metadata of uploaded and output files; the bytes live in file storage under `storageKey`. */
import type { Kysely, Selectable } from "kysely";
import { type KeysetCursor, newestFirst } from "./newest-first.ts";
import type { DB, FilesTable } from "./schema.ts";

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  md5: string;
  storageKey: string;
  metadata: Record<string, unknown>;
  tokenId: string | null;
  createdAt: number;
  expiresAt: number | null;
}

export interface ListFilesOptions {
  /** Only this token's files; all when undefined. */
  tokenId?: string;
  limit: number;
  /** Keyset cursor: only rows strictly older than this one in (createdAt, id) order. */
  before?: KeysetCursor;
}

function fromRow(row: Selectable<FilesTable>): StoredFile {
  return {
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    md5: row.md5,
    storageKey: row.storage_key,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    tokenId: row.token_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export class FilesRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async insert(file: StoredFile): Promise<void> {
    await this.#db
      .insertInto("files")
      .values({
        id: file.id,
        name: file.name,
        content_type: file.contentType,
        size: file.size,
        sha256: file.sha256,
        md5: file.md5,
        storage_key: file.storageKey,
        metadata: JSON.stringify(file.metadata),
        token_id: file.tokenId,
        created_at: file.createdAt,
        expires_at: file.expiresAt,
      })
      .execute();
  }

  async get(id: string): Promise<StoredFile | null> {
    const row = await this.#db.selectFrom("files").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Newest first, by (createdAt, id) descending. */
  async list(options: ListFilesOptions): Promise<StoredFile[]> {
    const { tokenId, before, limit } = options;
    let query = this.#db.selectFrom("files").selectAll();
    if (tokenId !== undefined) query = query.where("token_id", "=", tokenId);
    const rows = await newestFirst(query, limit, before).execute();
    return rows.map(fromRow);
  }

  /** True when the file existed. */
  async delete(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom("files").where("id", "=", id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
}
