// @ts-check
/**
 * The providers page: each provider's state (`GET /v1/admin/providers/state`, at once) and its
 * connection test (`GET /v1/admin/providers/check`, which asks each provider and takes longer).
 */
import { api } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime } from "./format.js";

/** @typedef {{ provider: string, concurrency: { limit: number, in_flight: number, queued: number }, rate_limit: { bucket: string, per_minute: number, burst: number, available: number }, circuits: Array<{ target: string, model: string, state: string }> }} ProviderState */
/** @typedef {{ provider: string, reachable: boolean, authenticated: boolean | null, rate_limit_remaining: number | null, detail: string }} ProviderCheck */

const body = /** @type {HTMLTableSectionElement} */ (byId("providers", HTMLTableElement).tBodies[0]);
const checkAgain = byId("check-again", HTMLButtonElement);
const status = byId("providers-status");

/** @param {ProviderCheck | undefined} check */
function health(check) {
  if (!check) return h("span", { class: "hint" }, "Checking…");
  const ok = check.reachable && check.authenticated !== false;
  const label = !check.reachable ? "Unreachable" : check.authenticated === false ? "Key refused" : "Healthy";
  return h(
    "span",
    {},
    h("span", { class: `badge ${ok ? "status-succeeded" : "status-failed"}` }, label),
    check.detail ? h("span", { class: "hint cell-detail" }, check.detail) : null,
  );
}

/**
 * @param {ProviderState} state
 * @param {ProviderCheck | undefined} check
 */
function headroom(state, check) {
  const { available, burst, per_minute: perMinute } = state.rate_limit;
  const now = Math.max(0, available);
  const upstream =
    check?.rate_limit_remaining != null ? `; the provider says ${check.rate_limit_remaining} left` : "";
  return `${now} of ${burst} starts free now, ${perMinute} a minute${upstream}`;
}

/** @param {ProviderState} state */
function circuits(state) {
  if (state.circuits.length === 0) return h("span", { class: "hint" }, "No catalog targets");
  return h(
    "ul",
    { class: "circuit-list" },
    state.circuits.map((circuit) =>
      h(
        "li",
        {},
        h("span", { class: `badge circuit-${circuit.state}` }, circuit.state),
        " ",
        h("code", {}, circuit.target),
        ` ${circuit.model}`,
      ),
    ),
  );
}

/**
 * @param {ProviderState[]} states
 * @param {Map<string, ProviderCheck> | undefined} checks
 */
function show(states, checks) {
  body.replaceChildren(
    ...states.map((state) => {
      const check = checks?.get(state.provider);
      const { in_flight: inFlight, limit, queued } = state.concurrency;
      return h(
        "tr",
        { "data-provider": state.provider },
        h("th", { scope: "row" }, state.provider),
        h("td", {}, checks ? health(check) : health(undefined)),
        h("td", {}, headroom(state, check)),
        h("td", {}, `${inFlight} of ${limit} in flight, ${queued} queued`),
        h("td", { class: "circuits" }, circuits(state)),
      );
    }),
  );
}

async function load() {
  checkAgain.disabled = true;
  status.textContent = "Checking the providers…";
  try {
    const checked = api("/v1/admin/providers/check");
    const { providers: states } = await api("/v1/admin/providers/state");
    show(states, undefined);
    const { providers } = await checked;
    const checks = new Map(providers.map((/** @type {ProviderCheck} */ check) => [check.provider, check]));
    // The state again: the checks took a while.
    const { providers: fresh } = await api("/v1/admin/providers/state");
    show(fresh, checks);
    status.textContent = `Checked ${providers.length} provider${providers.length === 1 ? "" : "s"} at ${dateTime(new Date().toISOString())}.`;
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : String(error);
  } finally {
    checkAgain.disabled = false;
  }
}

checkAgain.addEventListener("click", () => void load());
void load();
