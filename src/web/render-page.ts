/** Renders a page, or sends the user to sign in again when the API no longer takes the session's token. */
import type { Context } from "hono";
import { GatewayError } from "../core/errors.ts";
import { signInPath } from "./require-session.ts";
import { clearSessionCookie } from "./session-cookie.ts";
import type { Html } from "./views/html.ts";
import type { WebEnv } from "./web-env.ts";

export async function render(c: Context<WebEnv>, page: () => Promise<Html>): Promise<Response> {
  try {
    return c.html(await page());
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== "unauthenticated") throw error;
    clearSessionCookie(c);
    const url = new URL(c.req.url);
    return c.redirect(signInPath(`${url.pathname}${url.search}`), 303);
  }
}
