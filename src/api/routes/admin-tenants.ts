/** `/v1/admin/tenants`: groups of tokens with their own limits and budget; each change is audited. */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { Tenant } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { auditor } from "../audit.ts";
import { limitBody } from "../body-limit.ts";
import { budgetStatusJson, countPeriodSpend } from "../budget-json.ts";
import { applyLimitFields, limitFields, limitsJson } from "../limits-json.ts";
import { readJson } from "../request-body.ts";

const newTenantSchema = z.strictObject({
  name: z
    .string({ error: "name is required" })
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      "name must be 1-64 letters, digits, dots, dashes or underscores",
    ),
  ...limitFields,
});

const tenantJson = (tenant: Tenant) => ({
  id: tenant.id,
  name: tenant.name,
  ...limitsJson(tenant.limits),
  created_at: new Date(tenant.createdAt).toISOString(),
});

export function adminTenantRoutes({ store, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const audit = auditor(store);
  const tenantOf = async (ref: string) => {
    const tenant = (await store.tenants.get(ref)) ?? (await store.tenants.byName(ref));
    if (!tenant) throw new GatewayError("not_found", `no tenant ${ref}`);
    return tenant;
  };

  app.get("/admin/tenants", async (c) => c.json({ results: (await store.tenants.list()).map(tenantJson) }));

  app.get("/admin/tenants/:id", async (c) => {
    const tenant = await tenantOf(c.req.param("id"));
    return c.json({
      ...tenantJson(tenant),
      budget_usage: await budgetStatusJson(store, "tenant", tenant.id, tenant.limits),
    });
  });

  app.post("/admin/tenants", limitBody(config.maxBodyBytes), async (c) => {
    const { name, ...fields } = await readJson(c, newTenantSchema);
    const tenant = await store.tenants.create({ name, limits: applyLimitFields({}, fields) });
    await audit(c, "tenants.create", tenant.id, { name, ...limitsJson(tenant.limits) });
    return c.json(tenantJson(tenant), 201);
  });

  app.patch("/admin/tenants/:id", limitBody(config.maxBodyBytes), async (c) => {
    const fields = await readJson(c, z.strictObject(limitFields));
    const tenant = await tenantOf(c.req.param("id"));
    const updated = await store.tenants.setLimits(tenant.id, applyLimitFields(tenant.limits, fields));
    if (!updated) throw new GatewayError("not_found", `no tenant ${tenant.id}`);
    if (fields.budget) await countPeriodSpend(store, "tenant", tenant.id, updated.limits);
    await audit(c, "tenants.update", tenant.id, limitsJson(updated.limits));
    return c.json(tenantJson(updated));
  });

  app.delete("/admin/tenants/:id", async (c) => {
    const tenant = await tenantOf(c.req.param("id"));
    await store.tenants.remove(tenant.id);
    await audit(c, "tenants.delete", tenant.id, { name: tenant.name });
    return c.body(null, 204);
  });
  return app;
}
