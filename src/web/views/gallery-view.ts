/**
 * The gallery: every output the user made, newest first, loaded as the page scrolls; search by
 * prompt, a model filter, favourites kept by the API; a lightbox to look, download and open.
 */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";
import { type ModelSummary, modelOptions } from "./model-options.ts";

export interface GalleryFilters {
  q: string;
  model: string;
  favorite: boolean;
}

export function galleryView(
  session: Session,
  models: readonly ModelSummary[],
  filters: GalleryFilters,
): Html {
  return layout(
    { title: "Gallery", script: "gallery.js", session, section: "gallery" },
    html`<h1>Gallery</h1>
    <form class="filters" method="get" action="/gallery" role="search">
      <div class="field">
        <label for="gallery-q">Search by prompt</label>
        <input id="gallery-q" name="q" type="search" value="${filters.q}" autocomplete="off" />
      </div>
      <div class="field">
        <label for="gallery-model">Model</label>
        <select id="gallery-model" name="model">
          <option value="">All models</option>
          ${modelOptions(models, filters.model)}
        </select>
      </div>
      <div class="toggle">
        <input type="checkbox" id="gallery-favorite" name="favorite" value="true" ${filters.favorite ? html`checked` : ""} />
        <label for="gallery-favorite">Favourites only</label>
      </div>
      <button type="submit">Apply</button>
    </form>
    <p id="gallery-status" class="hint" role="status"></p>
    <ul id="gallery" class="gallery-grid" aria-label="Outputs"></ul>
    <div id="gallery-end" class="gallery-end"></div>
    <dialog id="lightbox" class="lightbox" aria-labelledby="lightbox-title">
      <div class="lightbox-head">
        <h2 id="lightbox-title">Output</h2>
        <button type="button" id="lightbox-close" class="quiet">Close</button>
      </div>
      <img id="lightbox-image" alt="" />
      <p id="lightbox-prompt" class="lightbox-prompt"></p>
      <div class="actions">
        <button type="button" id="lightbox-previous">Previous</button>
        <button type="button" id="lightbox-next">Next</button>
        <button type="button" id="lightbox-favorite" aria-pressed="false">Favourite</button>
        <a id="lightbox-download" class="button" download="">Download</a>
        <a id="lightbox-open" class="button">Open prediction</a>
      </div>
    </dialog>`,
  );
}
