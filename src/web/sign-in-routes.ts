/** Sign-in with an API token (checked by the API's `GET /v1/account`), and sign-out. */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { codeOfStatus } from "../api/problem.ts";
import { GatewayError } from "../core/errors.ts";
import { callApi } from "./api-client.ts";
import { assertCsrfToken, assertSameOrigin } from "./csrf.ts";
import { localPath, requireSession } from "./require-session.ts";
import { newSession, type SessionSealer } from "./session.ts";
import { clearSessionCookie, writeSessionCookie } from "./session-cookie.ts";
import { signInView } from "./views/sign-in-view.ts";
import type { WebDeps, WebEnv } from "./web-env.ts";

/** A sign-in or sign-out form is a few hundred bytes. */
const formLimit = bodyLimit({
  maxSize: 16 * 1024,
  onError: () => {
    throw new GatewayError("payload_too_large", "The form must be less than 16 KB");
  },
});

const accountSchema = z.object({ name: z.string(), gengate: z.object({ admin: z.boolean() }) });
const NOT_ACCEPTED = "This token was not accepted: it may be mistyped or revoked.";

export function signInRoutes(
  { api, publicUrl }: WebDeps,
  sealer: SessionSealer,
  headers: MiddlewareHandler,
): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/sign-in", headers, (c) => c.html(signInView(localPath(c.req.query("next")))));

  app.post("/sign-in", headers, formLimit, async (c) => {
    // A sign-in forced from another site would put the victim in the attacker's account.
    assertSameOrigin(c, publicUrl);
    const form = await c.req.parseBody();
    const next = localPath(typeof form.next === "string" ? form.next : undefined);
    const token = typeof form.token === "string" ? form.token.trim() : "";
    if (!token) return c.html(signInView(next, "Enter an API token."), 422);
    // A token is one word of printable characters; anything else cannot be one (nor a header value).
    if (!/^[\x21-\x7e]+$/.test(token)) return c.html(signInView(next, NOT_ACCEPTED), 401);
    const response = await callApi(c, api, token, "/v1/account");
    if (response.status === 401) return c.html(signInView(next, NOT_ACCEPTED), 401);
    if (!response.ok)
      throw new GatewayError(codeOfStatus(response.status), "gengate could not check the token");
    const account = accountSchema.parse(await response.json());
    const session = newSession(token, account.name, account.gengate.admin);
    writeSessionCookie(c, await sealer.seal(session));
    return c.redirect(next, 303);
  });

  app.post("/sign-out", headers, formLimit, requireSession(sealer, "sign-in"), async (c) => {
    assertSameOrigin(c, publicUrl);
    const form = await c.req.parseBody();
    assertCsrfToken(c, typeof form.csrf === "string" ? form.csrf : undefined);
    clearSessionCookie(c);
    return c.redirect("/sign-in", 303);
  });

  return app;
}
