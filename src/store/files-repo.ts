/** Metadata of uploaded and output files; the bytes live in file storage under `storageKey`. */
import type { ExpressionBuilder, Kysely, Selectable } from "kysely";
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
  /** Only files not expired at this time. */
  liveAt?: number;
}

/** Files not expired at `now`. */
const liveAt = (now: number) => (eb: ExpressionBuilder<DB, "files">) =>
  eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]);

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

  /**
   * The file if it has not expired at `now` and, when `tokenId` is given (null: files of no
   * token), belongs to that token.
   */
  async getLive(id: string, now: number, tokenId?: string | null): Promise<StoredFile | null> {
    let query = this.#db.selectFrom("files").selectAll().where("id", "=", id).where(liveAt(now));
    if (tokenId !== undefined) query = query.where("token_id", tokenId === null ? "is" : "=", tokenId);
    const row = await query.executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Newest first, by (createdAt, id) descending. */
  async list(options: ListFilesOptions): Promise<StoredFile[]> {
    const { tokenId, before, limit } = options;
    let query = this.#db.selectFrom("files").selectAll();
    if (tokenId !== undefined) query = query.where("token_id", "=", tokenId);
    if (options.liveAt !== undefined) query = query.where(liveAt(options.liveAt));
    const rows = await newestFirst(query, limit, before).execute();
    return rows.map(fromRow);
  }

  /** Files expired at `now`, soonest expired first. */
  async expired(now: number, limit: number): Promise<StoredFile[]> {
    const rows = await this.#db
      .selectFrom("files")
      .selectAll()
      .where("expires_at", "<=", now)
      .orderBy("expires_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Whether a file not expired at `now` keeps its bytes under `storageKey`. */
  async isKeyLive(storageKey: string, now: number): Promise<boolean> {
    const row = await this.#db
      .selectFrom("files")
      .select("id")
      .where("storage_key", "=", storageKey)
      .where(liveAt(now))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** True when the file existed. */
  async delete(id: string): Promise<boolean> {
    const result = await this.#db.deleteFrom("files").where("id", "=", id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
}
