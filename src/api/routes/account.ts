/** `GET /v1/account`: who the token belongs to (Replicate's `account.get`), with gengate's own details. */
import { Hono } from "hono";
import type { ApiEnv } from "../api-context.ts";

export function accountRoutes(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/account", (c) => {
    const token = c.get("token");
    return c.json({
      type: "user",
      username: token.name,
      name: token.name,
      gengate: { token_id: token.id, admin: token.isAdmin },
    });
  });
  return app;
}
