// @ts-check
/**
 * The gallery: pages of `GET /v1/outputs` for the filters in the URL, the next one fetched as its
 * end scrolls into view; favourites marked through the API; the lightbox.
 */
import { api, followLink } from "./api.js";
import { byId, h } from "./dom.js";
import { Lightbox } from "./lightbox.js";

/** @typedef {import("./lightbox.js").Output} Output */

const grid = byId("gallery", HTMLUListElement);
const end = byId("gallery-end");
const status = byId("gallery-status");

const query = new URLSearchParams(location.search);
const filters = new URLSearchParams();
for (const name of ["q", "model", "favorite"]) {
  const value = query.get(name)?.trim();
  if (value) filters.set(name, value);
}
const onlyFavorites = filters.get("favorite") === "true";

/** @type {Output[]} */
const outputs = [];
/** The next page's call; null after the last page. @type {(() => Promise<any>) | null} */
let next = () => api("/v1/outputs", { query: filters });
let loading = false;

/** @param {unknown} error */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

/** @param {Output} output */
const nameOf = (output) => output.prompt || `an output of ${output.model}`;

/**
 * Marks or unmarks output `index` as a favourite, in the API first.
 * @param {number} index
 */
async function toggleFavorite(index) {
  const output = outputs[index];
  if (!output) return undefined;
  try {
    await api("/v1/favorites/{id}/{index}", {
      method: output.favorite ? "DELETE" : "PUT",
      params: { id: output.prediction_id, index: output.index },
    });
  } catch (error) {
    status.textContent = messageOf(error);
    return undefined;
  }
  output.favorite = !output.favorite;
  grid.children[index]?.replaceWith(tile(output, index));
  status.textContent = output.favorite ? "Added to your favourites." : "Removed from your favourites.";
  return output;
}

const lightbox = new Lightbox({
  count: () => outputs.length,
  at: (index) => outputs[index],
  toggleFavorite,
});

/**
 * @param {Output} output
 * @param {number} index
 */
function tile(output, index) {
  return h(
    "li",
    { class: "gallery-item" },
    h(
      "button",
      { type: "button", class: "gallery-open", onclick: () => lightbox.openAt(index) },
      h("img", { src: output.url, alt: nameOf(output), loading: "lazy" }),
    ),
    h(
      "button",
      {
        type: "button",
        class: "gallery-favorite",
        "aria-pressed": String(output.favorite),
        "aria-label": `Favourite: ${nameOf(output)}`,
        onclick: () => void toggleFavorite(index),
      },
      output.favorite ? "★" : "☆",
    ),
    h("p", { class: "gallery-caption", title: output.prompt ?? "" }, output.prompt ?? output.model),
  );
}

function sayCount() {
  const count = outputs.length;
  const none = onlyFavorites ? "No favourites match." : "No outputs match.";
  status.textContent =
    count === 0 ? none : `${count} output${count === 1 ? "" : "s"}${next ? " so far" : ""}.`;
}

async function loadMore() {
  if (loading || !next) return;
  loading = true;
  try {
    const page = await next();
    next = page.next ? () => followLink(page.next) : null;
    for (const output of /** @type {Output[]} */ (page.results)) {
      grid.append(tile(output, outputs.length));
      outputs.push(output);
    }
    sayCount();
  } catch (error) {
    status.textContent = messageOf(error);
    next = null;
  } finally {
    loading = false;
  }
  if (!next) observer.disconnect();
  else if (endInView) void loadMore();
}

let endInView = false;
const observer = new IntersectionObserver(
  (entries) => {
    endInView = entries.some((entry) => entry.isIntersecting);
    if (endInView) void loadMore();
  },
  { rootMargin: "600px 0px" },
);
observer.observe(end);
