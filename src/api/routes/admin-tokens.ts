/** `/v1/admin/tokens`: tokens with scopes, a tenant and limits; each change is audited. */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { SCOPES, type Scope } from "../../core/limits.ts";
import type { ApiToken } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { auditor } from "../audit.ts";
import { limitBody } from "../body-limit.ts";
import { budgetStatusJson, countPeriodSpend } from "../budget-json.ts";
import { applyLimitFields, type LimitFields, limitFields, limitsJson } from "../limits-json.ts";
import { readJson } from "../request-body.ts";

const name = z
  .string({ error: "name is required" })
  .trim()
  .min(1, "name must not be empty")
  .max(100, "name must be at most 100 characters");

const newTokenSchema = z.strictObject({
  name,
  admin: z.boolean({ error: "admin must be true or false" }).optional(),
  scopes: z
    .array(z.enum(SCOPES, { error: `each scope must be one of ${SCOPES.join(", ")}` }))
    .min(1, "scopes must name at least one scope")
    .optional(),
  tenant: z.string().min(1, "tenant must be a tenant's id or name").optional(),
  ...limitFields,
});

const tokenUpdateSchema = z.strictObject(limitFields);

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function tokenJson(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    admin: token.isAdmin,
    scopes: token.scopes,
    tenant: token.tenant && { id: token.tenant.id, name: token.tenant.name },
    ...limitsJson(token.limits),
    created_at: new Date(token.createdAt).toISOString(),
    last_used_at: isoOrNull(token.lastUsedAt),
    revoked_at: isoOrNull(token.revokedAt),
  };
}

/** The limit fields as the audit log keeps them (set ones only). */
function changedFields(fields: LimitFields): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export function adminTokenRoutes({ store, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const audit = auditor(store);

  const tokenOf = async (id: string) => {
    const token = await store.tokens.get(id);
    if (!token) throw new GatewayError("not_found", `no token ${id}`);
    return token;
  };

  app.get("/admin/tokens", async (c) => {
    const tenant = c.req.query("tenant");
    return c.json({ results: (await store.tokens.list(tenant ? { tenantId: tenant } : {})).map(tokenJson) });
  });

  app.get("/admin/tokens/:id", async (c) => {
    const token = await tokenOf(c.req.param("id"));
    return c.json({
      ...tokenJson(token),
      budget_usage: await budgetStatusJson(store, "token", token.id, token.limits),
    });
  });

  app.post("/admin/tokens", limitBody(config.maxBodyBytes), async (c) => {
    const { name, admin, scopes: asked, tenant: tenantRef, ...fields } = await readJson(c, newTokenSchema);
    const creator = c.get("token");
    const scopes: readonly Scope[] = asked ?? (admin ? SCOPES : SCOPES.filter((scope) => scope !== "admin"));
    const beyond = scopes.find((scope) => !creator.scopes.includes(scope));
    if (beyond) {
      throw new GatewayError("forbidden", `a token can only give the scopes it holds; it lacks ${beyond}`, {
        refusedBy: { limit: "scope", scope: "token", id: creator.id, name: creator.name },
        invalidFields: [
          { type: "scope", field: "scopes", description: `${beyond} is not a scope of this token` },
        ],
      });
    }
    const tenant = tenantRef
      ? ((await store.tenants.get(tenantRef)) ?? (await store.tenants.byName(tenantRef)))
      : null;
    if (tenantRef && !tenant) throw new GatewayError("not_found", `no tenant ${tenantRef}`);
    const { secret, token } = await store.tokens.issue({
      name,
      scopes: [...new Set(scopes)],
      tenantId: tenant?.id ?? null,
      limits: applyLimitFields({}, fields),
    });
    if (fields.budget) await countPeriodSpend(store, "token", token.id, token.limits);
    await audit(c, "tokens.create", token.id, {
      name,
      scopes: token.scopes,
      tenant: tenant?.id ?? null,
      ...changedFields(fields),
    });
    return c.json({ ...tokenJson(token), token: secret }, 201);
  });

  app.patch("/admin/tokens/:id", limitBody(config.maxBodyBytes), async (c) => {
    const fields = await readJson(c, tokenUpdateSchema);
    const token = await tokenOf(c.req.param("id"));
    const updated = await store.tokens.setLimits(token.id, applyLimitFields(token.limits, fields));
    if (!updated) throw new GatewayError("not_found", `no live token ${token.id}`);
    if (fields.budget) await countPeriodSpend(store, "token", token.id, updated.limits);
    await audit(c, "tokens.update", token.id, changedFields(fields));
    return c.json(tokenJson(updated));
  });

  app.delete("/admin/tokens/:id", async (c) => {
    const id = c.req.param("id");
    // The dashboard (or script) asking would lock itself out mid-request.
    if (id === c.get("token").id)
      throw new GatewayError("conflict", "a token cannot revoke itself; revoke it with another admin token");
    if (!(await store.tokens.revoke(id))) throw new GatewayError("not_found", `no live token ${id}`);
    await audit(c, "tokens.revoke", id);
    return c.body(null, 204);
  });
  return app;
}
