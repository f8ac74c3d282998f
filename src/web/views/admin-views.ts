/** The admin pages' shells (their scripts fill them from the admin API), and the page for others. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout, type Section } from "./layout.ts";

export function providersView(session: Session): Html {
  return layout(
    { title: "Providers", script: "admin-providers.js", session, section: "providers" },
    html`<h1>Providers</h1>
    <p class="hint">Health is each provider's connection test, run now by this server (it creates no paid work). Headroom, concurrency and circuits are this server's own state; concurrency counts every process's work.</p>
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
      <div class="toggle">
        <input type="checkbox" id="token-admin" name="admin" />
        <label for="token-admin">Admin token (sees and manages everything)</label>
      </div>
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
          <tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
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
