/**
 * The gallery: every stored output of succeeded predictions, newest first, and favourites, which
 * each token keeps for itself on the outputs it may see.
 */
import { GatewayError } from "../core/errors.ts";
import { fileKeysOf } from "../core/output.ts";
import type { GalleryEntry, KeysetCursor, Store } from "../store/index.ts";

/** Who asks: favourites are theirs; `scope` limits what they see (undefined: everyone's, for an admin). */
export interface GalleryViewer {
  tokenId: string;
  scope: string | undefined;
}

export interface GalleryQuery {
  limit: number;
  before?: KeysetCursor;
  model?: string;
  text?: string;
  favoritesOnly?: boolean;
}

export class Gallery {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  list(viewer: GalleryViewer, query: GalleryQuery): Promise<GalleryEntry[]> {
    return this.store.gallery.list({
      ...query,
      viewer: viewer.tokenId,
      ...(viewer.scope !== undefined && { tokenId: viewer.scope }),
    });
  }

  /** Marks (or unmarks) output `index` of a prediction the viewer may see as one of their favourites. */
  async setFavorite(viewer: GalleryViewer, predictionId: string, index: number, on: boolean): Promise<void> {
    const prediction = await this.store.predictions.get(predictionId);
    if (!prediction || (viewer.scope !== undefined && prediction.tokenId !== viewer.scope)) {
      throw new GatewayError("not_found", `prediction ${predictionId} not found`);
    }
    const count = prediction.state === "succeeded" ? fileKeysOf(prediction.output).length : 0;
    if (index >= count) {
      const description =
        count === 0
          ? `prediction ${predictionId} has no stored output`
          : `output ${index} does not exist: prediction ${predictionId} has ${count} (0 to ${count - 1})`;
      throw new GatewayError("not_found", description);
    }
    if (on) await this.store.gallery.favorite(viewer.tokenId, predictionId, index);
    else await this.store.gallery.unfavorite(viewer.tokenId, predictionId, index);
  }
}
