// @ts-check
/**
 * The tokens page: create a token with scopes, a tenant and limits (its secret shown this once), list
 * them with their limits, budget use and last use, revoke; list and create tenants.
 */
import { api } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime } from "./format.js";

/** @typedef {{ usd: number, period: string, alert_at: number | null }} BudgetJson */
/** @typedef {{ spent_usd: number, held_usd: number, remaining_usd: number, resets_at: string }} BudgetUsageJson */
/** @typedef {{ models: string[] | null, expires_at: string | null, ip_ranges: string[] | null, requests_per_minute: number | null, predictions_in_flight: number | null, budget: BudgetJson | null }} LimitsJson */
/** @typedef {LimitsJson & { id: string, name: string, admin: boolean, scopes: string[], tenant: { id: string, name: string } | null, created_at: string, last_used_at: string | null, revoked_at: string | null, budget_usage?: BudgetUsageJson | null }} TokenJson */
/** @typedef {LimitsJson & { id: string, name: string, created_at: string, budget_usage?: BudgetUsageJson | null }} TenantJson */

const form = byId("new-token", HTMLFormElement);
const nameInput = byId("token-name", HTMLInputElement);
const tenantSelect = byId("token-tenant", HTMLSelectElement);
const modelsInput = byId("token-models", HTMLInputElement);
const rpmInput = byId("token-rpm", HTMLInputElement);
const inFlightInput = byId("token-in-flight", HTMLInputElement);
const tenantForm = byId("new-tenant", HTMLFormElement);
const tenantNameInput = byId("tenant-name", HTMLInputElement);
const tenantError = byId("tenant-error");
const tenantStatus = byId("tenants-status");
const tenantBody = /** @type {HTMLTableSectionElement} */ (byId("tenants", HTMLTableElement).tBodies[0]);
const formError = byId("token-error");
const secretBox = byId("new-secret");
const secret = byId("secret");
const secretStatus = byId("secret-status");
const listStatus = byId("tokens-status");
const body = /** @type {HTMLTableSectionElement} */ (byId("tokens", HTMLTableElement).tBodies[0]);

/** This session's own token, which cannot revoke itself. */
let ownId = "";

/** @param {string | null} iso */
const when = (iso) => (iso ? h("time", { datetime: iso }, dateTime(iso)) : "never");

/** @param {number} usd */
const money = (usd) => `$${usd.toFixed(4).replace(/(\.\d\d\d*?)0+$/, "$1")}`;

/** @param {LimitsJson} limits */
function limitsText(limits) {
  const parts = [
    limits.models && `Models: ${limits.models.join(", ")}`,
    limits.requests_per_minute !== null && `${limits.requests_per_minute} a minute`,
    limits.predictions_in_flight !== null && `${limits.predictions_in_flight} at once`,
    limits.ip_ranges && `From ${limits.ip_ranges.join(", ")}`,
    limits.expires_at && `Expires ${dateTime(limits.expires_at)}`,
  ].filter((part) => typeof part === "string");
  return parts.length === 0 ? "None" : parts.join("; ");
}

/** @param {LimitsJson & { budget_usage?: BudgetUsageJson | null }} owner */
function budgetCell(owner) {
  if (!owner.budget) return "None";
  const usage = owner.budget_usage;
  return h(
    "span",
    {},
    `${money(owner.budget.usd)} a ${owner.budget.period}`,
    usage
      ? h(
          "span",
          { class: "hint budget-usage" },
          `${money(usage.spent_usd)} spent, ${money(usage.held_usd)} held, ${money(usage.remaining_usd)} left`,
        )
      : null,
  );
}

/**
 * The API's list leaves out budget use; each owner with a budget is asked for it.
 * @template {{ id: string, budget: BudgetJson | null }} T
 * @param {T[]} owners
 * @param {string} path
 * @returns {Promise<T[]>}
 */
const withUsage = (owners, path) =>
  Promise.all(
    owners.map((owner) =>
      owner.budget ? api(`${path}/${encodeURIComponent(owner.id)}`) : Promise.resolve(owner),
    ),
  );

/** Scope names, or a word for the usual sets. @param {string[]} scopes */
function scopesCell(scopes) {
  const all = [...form.querySelectorAll('input[name="scopes"]')].map(
    (box) => /** @type {HTMLInputElement} */ (box).value,
  );
  const missing = all.filter((scope) => !scopes.includes(scope));
  if (missing.length === 0) return "All";
  if (missing.length === 1 && missing[0] === "admin") return "All but admin";
  return h("span", { class: "scope-list" }, ...scopes.map((scope) => h("code", {}, scope)));
}

/** @param {TokenJson} token */
function row(token) {
  const revoke =
    token.revoked_at !== null
      ? null
      : token.id === ownId
        ? h("span", { class: "hint" }, "This session's token")
        : h(
            "button",
            {
              type: "button",
              class: "quiet",
              "aria-label": `Revoke ${token.name}`,
              onclick: () => revokeToken(token),
            },
            "Revoke",
          );
  return h(
    "tr",
    { "data-id": token.id, class: token.revoked_at ? "revoked" : null },
    h("th", { scope: "row" }, token.name),
    h("td", {}, scopesCell(token.scopes)),
    h("td", {}, token.tenant ? token.tenant.name : "None"),
    h("td", {}, limitsText(token)),
    h("td", { class: "wraps" }, budgetCell(token)),
    h("td", { class: "wraps" }, when(token.created_at)),
    h("td", { class: "wraps" }, when(token.last_used_at)),
    h("td", {}, token.revoked_at ? h("span", {}, "Revoked ", when(token.revoked_at)) : "Live"),
    h("td", {}, revoke),
  );
}

async function load() {
  const [{ results }, account] = await Promise.all([api("/v1/admin/tokens"), api("/v1/account")]);
  ownId = account.gengate.token_id;
  /** @type {TokenJson[]} */
  const tokens = await withUsage(
    results.filter((/** @type {TokenJson} */ token) => token.revoked_at === null),
    "/v1/admin/tokens",
  ).then((live) => [...live, ...results.filter((/** @type {TokenJson} */ t) => t.revoked_at !== null)]);
  // Live ones first, newest first.
  tokens.sort(
    (a, b) =>
      Number(a.revoked_at !== null) - Number(b.revoked_at !== null) ||
      b.created_at.localeCompare(a.created_at),
  );
  body.replaceChildren(...tokens.map(row));
  const live = tokens.filter((token) => token.revoked_at === null).length;
  listStatus.textContent = `${live} live token${live === 1 ? "" : "s"}, ${tokens.length - live} revoked.`;
}

/** @param {TokenJson} token */
async function revokeToken(token) {
  if (!confirm(`Revoke the token "${token.name}"? Whatever uses it stops working at once.`)) return;
  try {
    await api(`/v1/admin/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
    await load();
    listStatus.textContent = `Revoked ${token.name}. ${listStatus.textContent}`;
  } catch (error) {
    listStatus.textContent = error instanceof Error ? error.message : String(error);
  }
}

/**
 * The budget fields of a form ("token-" or "tenant-" ids), as the API's budget, or null when empty.
 * @param {string} prefix
 */
function budgetOf(prefix) {
  const amount = byId(`${prefix}-budget`, HTMLInputElement).value.trim();
  if (amount === "") return null;
  return { usd: Number(amount), period: byId(`${prefix}-period`, HTMLSelectElement).value };
}

/** @param {HTMLInputElement} input */
const wholeOrNull = (input) => (input.value.trim() === "" ? null : Number(input.value));

/** The token form as the API's fields (only those set). */
function tokenFields() {
  const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map(
    (box) => /** @type {HTMLInputElement} */ (box).value,
  );
  const models = modelsInput.value
    .split(",")
    .map((model) => model.trim())
    .filter((model) => model !== "");
  const budget = budgetOf("token");
  const rpm = wholeOrNull(rpmInput);
  const inFlight = wholeOrNull(inFlightInput);
  return {
    name: nameInput.value,
    scopes,
    ...(tenantSelect.value !== "" && { tenant: tenantSelect.value }),
    ...(models.length > 0 && { models }),
    ...(rpm !== null && { requests_per_minute: rpm }),
    ...(inFlight !== null && { predictions_in_flight: inFlight }),
    ...(budget && { budget }),
  };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError.textContent = "";
  if (nameInput.value.trim() === "") {
    formError.textContent = "Name: give the token a name";
    nameInput.focus();
    return;
  }
  const fields = tokenFields();
  if (fields.scopes.length === 0) {
    formError.textContent = "Scopes: choose at least one";
    byId("scope-predictions-write", HTMLInputElement).closest("details")?.setAttribute("open", "");
    return;
  }
  try {
    const created = await api("/v1/admin/tokens", { method: "POST", json: fields });
    secret.textContent = created.token;
    secretStatus.textContent = "";
    secretBox.hidden = false;
    form.reset();
    await load();
    byId("copy-secret").focus();
  } catch (error) {
    formError.textContent = error instanceof Error ? error.message : String(error);
  }
});

/** @param {TenantJson} tenant */
const tenantRow = (tenant) =>
  h(
    "tr",
    { "data-id": tenant.id },
    h("th", { scope: "row" }, tenant.name),
    h("td", {}, limitsText(tenant)),
    h("td", { class: "wraps" }, budgetCell(tenant)),
    h("td", { class: "wraps" }, when(tenant.created_at)),
  );

async function loadTenants() {
  /** @type {TenantJson[]} */
  const tenants = await withUsage((await api("/v1/admin/tenants")).results, "/v1/admin/tenants");
  tenantBody.replaceChildren(...tenants.map(tenantRow));
  const chosen = tenantSelect.value;
  tenantSelect.replaceChildren(
    h("option", { value: "" }, "None"),
    ...tenants.map((tenant) => h("option", { value: tenant.id }, tenant.name)),
  );
  tenantSelect.value = chosen;
  tenantStatus.textContent = `${tenants.length} tenant${tenants.length === 1 ? "" : "s"}.`;
}

tenantForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  tenantError.textContent = "";
  if (tenantNameInput.value.trim() === "") {
    tenantError.textContent = "Tenant name: give the tenant a name";
    tenantNameInput.focus();
    return;
  }
  const budget = budgetOf("tenant");
  try {
    await api("/v1/admin/tenants", {
      method: "POST",
      json: { name: tenantNameInput.value, ...(budget && { budget }) },
    });
    tenantForm.reset();
    await loadTenants();
  } catch (error) {
    tenantError.textContent = error instanceof Error ? error.message : String(error);
  }
});

byId("copy-secret", HTMLButtonElement).addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(secret.textContent ?? "");
    secretStatus.textContent = "Copied the token";
  } catch (error) {
    secretStatus.textContent = error instanceof Error ? error.message : String(error);
  }
});

load().catch((error) => {
  listStatus.textContent = error instanceof Error ? error.message : String(error);
});
loadTenants().catch((error) => {
  tenantStatus.textContent = error instanceof Error ? error.message : String(error);
});
