/** The sign-in form: one field, the API token. */
import { type Html, html } from "./html.ts";
import { layout } from "./layout.ts";

export function signInView(next: string, error?: string): Html {
  return layout(
    { title: "Sign in" },
    html`<section class="sign-in panel" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <p>Use a gengate API token. The first start of <code>gengate serve</code> prints the admin token;
        <code>gengate tokens create</code> makes more.</p>
      <form method="post" action="/sign-in">
        <input type="hidden" name="next" value="${next}" />
        <div class="field">
          <label for="token">API token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required
            spellcheck="false" ${error ? html`aria-invalid="true" aria-describedby="sign-in-error"` : ""} />
        </div>
        ${error ? html`<p id="sign-in-error" class="error" role="alert">${error}</p>` : ""}
        <button type="submit" class="primary">Sign in</button>
      </form>
    </section>`,
  );
}
