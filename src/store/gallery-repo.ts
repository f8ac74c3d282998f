/**
 * The gallery: succeeded predictions that stored files, newest first, and the outputs each token
 * marked as favourites.
 */
import { type Kysely, sql } from "kysely";
import { type KeysetCursor, newestFirst } from "./newest-first.ts";
import { fromPredictionRow, type StoredPrediction } from "./prediction-row.ts";
import type { DB } from "./schema.ts";

export interface ListGalleryOptions {
  /** Whose favourites are shown (and, with `favoritesOnly`, kept). */
  viewer: string;
  /** Only this token's predictions; all when undefined. */
  tokenId?: string;
  limit: number;
  before?: KeysetCursor;
  /** Only predictions of this `owner/name` model (or alias). */
  model?: string;
  /** Only predictions whose input's text holds this, in any case. */
  text?: string;
  /** Only predictions with an output the viewer marked as a favourite. */
  favoritesOnly?: boolean;
}

export interface GalleryEntry {
  prediction: StoredPrediction;
  /** Indexes of the outputs the viewer marked as favourites, ascending. */
  favorites: number[];
}

/** A stored output file, as `{"$file": key}` appears in the output's JSON text. */
const HAS_FILE = '%"$file"%';

/** `text` as a LIKE pattern matching it anywhere in JSON text: JSON-escaped, then LIKE-escaped (`\`). */
function containsPattern(text: string): string {
  const inJson = JSON.stringify(text).slice(1, -1);
  return `%${inJson.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class GalleryRepo {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async list(options: ListGalleryOptions): Promise<GalleryEntry[]> {
    const { viewer } = options;
    let query = this.#db
      .selectFrom("predictions")
      .selectAll()
      .where("state", "=", "succeeded")
      .where("destination", "is", null)
      .where("output", "like", HAS_FILE);
    if (options.tokenId !== undefined) query = query.where("token_id", "=", options.tokenId);
    if (options.model !== undefined) query = query.where("model", "=", options.model);
    if (options.text !== undefined) {
      query = query.where(
        sql<boolean>`lower(input) like lower(${containsPattern(options.text)}) escape '\\'`,
      );
    }
    if (options.favoritesOnly) {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("favorites")
            .select("favorites.prediction_id")
            .whereRef("favorites.prediction_id", "=", "predictions.id")
            .where("favorites.token_id", "=", viewer),
        ),
      );
    }
    const rows = await newestFirst(query, options.limit, options.before).execute();
    const marked = await this.favoritesOf(
      viewer,
      rows.map((row) => row.id),
    );
    return rows.map((row) => ({ prediction: fromPredictionRow(row), favorites: marked.get(row.id) ?? [] }));
  }

  /** Marks an output as one of the viewer's favourites; marking it twice is the same as once. */
  async favorite(viewer: string, predictionId: string, index: number, now = Date.now()): Promise<void> {
    await this.#db
      .insertInto("favorites")
      .values({ token_id: viewer, prediction_id: predictionId, output_index: index, created_at: now })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }

  async unfavorite(viewer: string, predictionId: string, index: number): Promise<void> {
    await this.#db
      .deleteFrom("favorites")
      .where("token_id", "=", viewer)
      .where("prediction_id", "=", predictionId)
      .where("output_index", "=", index)
      .execute();
  }

  /** The viewer's favourite output indexes of each of these predictions. */
  async favoritesOf(viewer: string, predictionIds: readonly string[]): Promise<Map<string, number[]>> {
    const marked = new Map<string, number[]>();
    if (predictionIds.length === 0) return marked;
    const rows = await this.#db
      .selectFrom("favorites")
      .select(["prediction_id", "output_index"])
      .where("token_id", "=", viewer)
      .where("prediction_id", "in", predictionIds)
      .orderBy("output_index")
      .execute();
    for (const row of rows)
      marked.set(row.prediction_id, [...(marked.get(row.prediction_id) ?? []), row.output_index]);
    return marked;
  }
}
