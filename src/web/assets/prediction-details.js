// @ts-check
/**
 * A prediction's page, below its run: the route it took (each target tried, skipped or failed,
 * with the reason), what it cost, and its webhook deliveries. Shown again when the prediction ends.
 */
import { api } from "./api.js";
import { h } from "./dom.js";
import { dateTime, isTerminal } from "./format.js";

/**
 * @typedef {{ target: string, provider: string, model: string, outcome: string, reason?: string }} RouteEntry
 * @typedef {{ id: string, event: string, url: string, state: string, attempts: number, last_status: number | null, last_error: string | null, created_at: string, next_attempt_at: string | null }} Delivery
 */

/** @param {number} usd */
const dollars = (usd) => `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;

export class PredictionDetails {
  /** @param {HTMLElement} mount */
  constructor(mount) {
    this.route = h("div");
    this.cost = h("p");
    this.deliveries = h("div");
    mount.replaceChildren(
      h("h3", {}, "Route"),
      this.route,
      h("h3", {}, "Cost"),
      this.cost,
      h("h3", {}, "Webhook deliveries"),
      this.deliveries,
    );
  }

  /** @param {import("./prediction-panel.js").Prediction & { webhook?: string, gengate?: { route?: RouteEntry[], alias?: string, cost_usd?: number } }} prediction */
  async show(prediction) {
    this.#showRoute(prediction.gengate?.route, prediction.gengate?.alias);
    const cost = prediction.gengate?.cost_usd;
    this.cost.textContent =
      cost !== undefined
        ? dollars(cost)
        : isTerminal(prediction.status)
          ? "Unknown: no price is configured for its provider and model."
          : "Known when it ends.";
    if (!prediction.webhook) {
      this.deliveries.replaceChildren(h("p", { class: "hint" }, "No webhook was given."));
      return;
    }
    const { results } = await api("/v1/predictions/{id}/webhooks", { params: { id: prediction.id } });
    this.#showDeliveries(results);
  }

  /**
   * @param {RouteEntry[] | undefined} route
   * @param {string | undefined} alias
   */
  #showRoute(route, alias) {
    if (!route || route.length === 0) {
      this.route.replaceChildren(h("p", { class: "hint" }, "Sent straight to its model (no catalog alias)."));
      return;
    }
    this.route.replaceChildren(
      h("p", { class: "hint" }, `Alias ${alias ?? ""}: targets in the order tried.`),
      h(
        "ol",
        { class: "route", "aria-label": "Route" },
        ...route.map((entry) =>
          h(
            "li",
            {},
            h("span", { class: `badge outcome-${entry.outcome}` }, entry.outcome),
            " ",
            h("code", {}, `${entry.provider} ${entry.model}`),
            entry.reason ? h("span", { class: "hint" }, ` — ${entry.reason}`) : null,
          ),
        ),
      ),
    );
  }

  /** @param {Delivery[]} deliveries */
  #showDeliveries(deliveries) {
    if (deliveries.length === 0) {
      this.deliveries.replaceChildren(h("p", { class: "hint" }, "None sent yet."));
      return;
    }
    const cell = (/** @type {string} */ text) => h("td", {}, text);
    this.deliveries.replaceChildren(
      h(
        "div",
        { class: "table-wrap", role: "region", "aria-label": "Webhook deliveries", tabindex: "0" },
        h(
          "table",
          {},
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...["Event", "State", "Attempts", "Last answer", "Last error", "Created"].map((name) =>
                h("th", { scope: "col" }, name),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            ...deliveries.map((delivery) =>
              h(
                "tr",
                {},
                cell(delivery.event),
                cell(delivery.state),
                cell(String(delivery.attempts)),
                cell(delivery.last_status === null ? "" : String(delivery.last_status)),
                h("td", { class: "prompt" }, delivery.last_error ?? ""),
                cell(dateTime(delivery.created_at)),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
