/** `GET /v1/admin/audit`: admin actions, newest first, a page at a time. */
import { Hono } from "hono";
import type { AuditEntry } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { baseUrlOf } from "../base-url.ts";
import { decodeCursor, pageOf } from "../pagination.ts";

const PAGE_SIZE = 100;

const entryJson = (entry: AuditEntry) => ({
  id: entry.id,
  created_at: new Date(entry.createdAt).toISOString(),
  actor_token_id: entry.actorTokenId,
  action: entry.action,
  target: entry.target,
  detail: entry.detail,
  ip: entry.ip,
});

export function adminAuditRoutes({ store, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get("/admin/audit", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const action = c.req.query("action");
    const rows = await store.audit.list({
      limit: PAGE_SIZE + 1,
      ...(before && { before }),
      ...(action && { action }),
    });
    const url = new URL(`${baseUrlOf(c, config.publicUrl)}/v1/admin/audit`);
    if (action) url.searchParams.set("action", action);
    return c.json(pageOf(rows, PAGE_SIZE, url.toString(), (entry) => entry, entryJson));
  });
  return app;
}
