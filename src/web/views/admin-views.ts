/** The admin pages' shells (their scripts fill them from the admin API), and the page for others. */
import { SCOPES, type Scope } from "../../core/limits.ts";
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout, type Section } from "./layout.ts";

export function providersView(session: Session): Html {
  return layout(
    { title: "Providers", script: "admin-providers.js", session, section: "providers" },
    html`<h1>Providers</h1>
    <p class="hint">Health is each provider's connection test, run now by this server (it creates no paid work). Concurrency counts every process's work; headroom and circuits are shared by every process on PostgreSQL, and this server's own on SQLite.</p>
    <div class="actions">
      <button type="button" id="check-again">Check again</button>
      <span id="providers-status" class="hint" role="status"></span>
    </div>
    <div class="table-wrap" role="region" aria-label="Providers table" tabindex="0">
      <table id="providers">
        <thead>
          <tr><th scope="col">Provider</th><th scope="col">Health</th><th scope="col">Rate-limit headroom</th><th scope="col">Concurrency</th><th scope="col">Circuits</th></tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>`,
  );
}

const SCOPE_LABELS: Record<Scope, string> = {
  "predictions:write": "Run predictions",
  "predictions:read": "Read predictions",
  "files:write": "Upload files",
  "trainings:write": "Train LoRAs",
  "batches:write": "Run batches",
  "models:read": "List models",
  admin: "Administer everything",
};

/** Amount and period of a budget, for the token and tenant forms; `prefix` keeps the ids apart. */
function budgetFields(prefix: string): Html {
  return html`<div class="limit-row">
      <div class="field">
        <label for="${prefix}-budget">Budget (US dollars)</label>
        <input id="${prefix}-budget" name="budget" type="number" min="0" step="0.01" inputmode="decimal" aria-describedby="${prefix}-budget-hint" />
      </div>
      <div class="field">
        <label for="${prefix}-period">Budget period</label>
        <select id="${prefix}-period" name="period">
          <option value="day">A day</option>
          <option value="week">A week</option>
          <option value="month" selected>A month</option>
        </select>
      </div>
    </div>
    <p id="${prefix}-budget-hint" class="hint">Empty: no budget. Work is refused once the period's budget is used; it resets at midnight UTC.</p>`;
}

export function tokensView(session: Session): Html {
  return layout(
    { title: "Tokens", script: "admin-tokens.js", session, section: "tokens" },
    html`<h1>Tokens</h1>
    <form id="new-token" class="panel token-form" novalidate>
      <h2>Create a token</h2>
      <div class="field">
        <label for="token-name">Name</label>
        <input id="token-name" name="name" type="text" maxlength="100" autocomplete="off" aria-required="true" aria-describedby="token-name-hint" />
        <p id="token-name-hint" class="hint">What or who it is for, e.g. "ci" or "alice".</p>
      </div>
      <details class="token-limits">
      <summary>Scopes, tenant, limits and budget</summary>
      <fieldset class="scopes">
        <legend>Scopes</legend>
        ${SCOPES.map(
          (scope) => html`<div class="toggle">
            <input type="checkbox" id="scope-${scope.replace(":", "-")}" name="scopes" value="${scope}" ${scope === "admin" ? "" : html`checked`} />
            <label for="scope-${scope.replace(":", "-")}">${SCOPE_LABELS[scope]} <code>${scope}</code></label>
          </div>`,
        )}
      </fieldset>
      <div class="field">
        <label for="token-tenant">Tenant</label>
        <select id="token-tenant" name="tenant"><option value="">None</option></select>
      </div>
      <div class="field">
        <label for="token-models">Models</label>
        <input id="token-models" name="models" type="text" autocomplete="off" aria-describedby="token-models-hint" />
        <p id="token-models-hint" class="hint">Models and aliases it may run, comma-separated. Empty: any.</p>
      </div>
      <div class="limit-row">
        <div class="field">
          <label for="token-rpm">Requests a minute</label>
          <input id="token-rpm" name="rpm" type="number" min="1" step="1" inputmode="numeric" />
        </div>
        <div class="field">
          <label for="token-in-flight">Predictions at once</label>
          <input id="token-in-flight" name="in_flight" type="number" min="1" step="1" inputmode="numeric" />
        </div>
      </div>
      ${budgetFields("token")}
      </details>
      <p id="token-error" class="error" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">Create token</button></div>
    </form>
    <section id="new-secret" class="panel new-secret" aria-labelledby="new-secret-heading" hidden>
      <h2 id="new-secret-heading">New token</h2>
      <p>Copy it now: gengate keeps only its hash and cannot show it again.</p>
      <p><code id="secret" class="secret" aria-label="The new token"></code></p>
      <div class="actions">
        <button type="button" id="copy-secret">Copy the token</button>
        <span id="secret-status" class="hint" role="status"></span>
      </div>
    </section>
    <p id="tokens-status" class="hint" role="status"></p>
    <div class="table-wrap" role="region" aria-label="Tokens table" tabindex="0">
      <table id="tokens">
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Scopes</th><th scope="col">Tenant</th><th scope="col">Limits</th><th scope="col">Budget</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>
    <h2 id="tenants-heading" class="section-heading">Tenants</h2>
    <p class="hint">A tenant groups tokens: each request must also pass its tenant's limits and budget.</p>
    <form id="new-tenant" class="panel token-form" novalidate>
      <h3>Create a tenant</h3>
      <div class="field">
        <label for="tenant-name">Tenant name</label>
        <input id="tenant-name" name="name" type="text" maxlength="64" autocomplete="off" aria-required="true" aria-describedby="tenant-name-hint" />
        <p id="tenant-name-hint" class="hint">Letters, digits, dots, dashes or underscores, e.g. "acme".</p>
      </div>
      ${budgetFields("tenant")}
      <p id="tenant-error" class="error" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">Create tenant</button></div>
    </form>
    <p id="tenants-status" class="hint" role="status"></p>
    <div class="table-wrap" role="region" aria-labelledby="tenants-heading" tabindex="0">
      <table id="tenants">
        <thead>
          <tr><th scope="col">Tenant</th><th scope="col">Limits</th><th scope="col">Budget</th><th scope="col">Created</th></tr>
        </thead>
        <tbody></tbody>
      </table>
    </div>`,
  );
}

/** What a non-admin gets at an admin page. */
export function adminOnlyView(session: Session, section: Section): Html {
  return layout(
    { title: "Admins only", session, section },
    html`<section class="panel" aria-labelledby="message-heading">
      <h1 id="message-heading">Admins only</h1>
      <p>This page is for admin tokens; you are signed in as ${session.name}, which is not one.</p>
    </section>`,
  );
}
