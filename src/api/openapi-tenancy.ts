/** Tokens with scopes and limits, tenants, the audit log and usage, in the OpenAPI document. */
import { SCOPES } from "../core/limits.ts";
import { errors, idParam, json, problemResponse } from "./openapi-helpers.ts";

const adminErrors = { "401": errors["401"], "403": problemResponse("The token lacks the admin scope") };
const nullable = (type: string, extra: object = {}) => ({ type: [type, "null"], ...extra });
const dateTime = { type: "string", format: "date-time" };

const budget = {
  type: ["object", "null"],
  required: ["usd", "period"],
  properties: {
    usd: { type: "number", minimum: 0 },
    period: {
      enum: ["day", "week", "month"],
      description: "Resets at midnight UTC: daily, each Monday, the 1st",
    },
    alert_at: nullable("number", {
      description: "A fraction of usd: crossing it sends one signed budget.alert webhook per period",
    }),
    alert_url: nullable("string", { format: "uri" }),
  },
};

/** The limits a token or a tenant sets; a request must pass the token's and its tenant's. */
const limitProperties = {
  models: nullable("array", {
    items: { type: "string" },
    description: "`owner/name`, `owner/*` or alias names it may run",
  }),
  expires_at: nullable("string", { format: "date-time" }),
  ip_ranges: nullable("array", {
    items: { type: "string" },
    description: "CIDR ranges requests must come from",
  }),
  requests_per_minute: nullable("integer", { minimum: 1 }),
  predictions_in_flight: nullable("integer", { minimum: 1 }),
  budget,
  budget_metrics: {
    type: "boolean",
    description: "Report this budget in /metrics, labelled with the id and name",
  },
};

/** As answers show them: every limit, null when unset. */
const answeredLimits = {
  ...limitProperties,
  budget: { ...budget, required: ["usd", "period", "alert_at", "alert_url"] },
};
const LIMIT_KEYS = Object.keys(limitProperties);

const budgetUsage = {
  type: ["object", "null"],
  required: ["period_start", "resets_at", "spent_usd", "held_usd", "remaining_usd"],
  properties: {
    period_start: dateTime,
    resets_at: dateTime,
    spent_usd: { type: "number" },
    held_usd: { type: "number", description: "Estimates held for work not ended yet" },
    remaining_usd: { type: "number" },
  },
};

const token = {
  type: "object",
  required: [
    "id",
    "name",
    "admin",
    "scopes",
    "tenant",
    ...LIMIT_KEYS,
    "created_at",
    "last_used_at",
    "revoked_at",
  ],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    admin: { type: "boolean", description: "Holds the admin scope" },
    scopes: { type: "array", items: { enum: SCOPES } },
    tenant: {
      type: ["object", "null"],
      required: ["id", "name"],
      properties: { id: { type: "string" }, name: { type: "string" } },
    },
    ...answeredLimits,
    created_at: dateTime,
    last_used_at: nullable("string", {
      format: "date-time",
      description: "Recorded at most once a minute per token and server process",
    }),
    revoked_at: nullable("string", { format: "date-time" }),
  },
};

const tenant = {
  type: "object",
  required: ["id", "name", ...LIMIT_KEYS, "created_at"],
  properties: { id: { type: "string" }, name: { type: "string" }, ...answeredLimits, created_at: dateTime },
};

const body = (required: string[], properties: object) => ({
  required: true,
  content: json({ type: "object", required, additionalProperties: false, properties }),
});

const results = (item: object) =>
  json({ type: "object", required: ["results"], properties: { results: { type: "array", items: item } } });

export const tenancyPaths = {
  "/v1/admin/tokens": {
    get: {
      operationId: "listTokens",
      summary:
        "Every API token (of one tenant with ?tenant=), revoked ones included, oldest first (never their values)",
      responses: { "200": { description: "The tokens", content: results(token) }, ...adminErrors },
    },
    post: {
      operationId: "createToken",
      summary:
        "Create a token with scopes (at most the creating token's), a tenant and limits; its value is in this answer only",
      requestBody: body(["name"], {
        name: { type: "string", minLength: 1, maxLength: 100 },
        admin: { type: "boolean", default: false, description: "Every scope; else every scope but admin" },
        scopes: { type: "array", items: { enum: SCOPES }, minItems: 1 },
        tenant: { type: "string", description: "A tenant's id or name" },
        ...limitProperties,
      }),
      responses: {
        "201": {
          description: "The new token, with `token`, its value",
          content: json({
            ...token,
            required: [...token.required, "token"],
            properties: { ...token.properties, token: { type: "string" } },
          }),
        },
        ...adminErrors,
        "404": problemResponse("No such tenant"),
        "422": errors["422"],
      },
    },
  },
  "/v1/admin/tokens/{id}": {
    get: {
      operationId: "getToken",
      summary: "A token, with where its budget stands this period",
      parameters: [idParam("id")],
      responses: {
        "200": {
          description: "The token",
          content: json({ ...token, properties: { ...token.properties, budget_usage: budgetUsage } }),
        },
        ...adminErrors,
        "404": errors["404"],
      },
    },
    patch: {
      operationId: "updateToken",
      summary:
        "Change a live token's limits (null removes one); a budget set counts what its period already spent",
      parameters: [idParam("id")],
      requestBody: body([], limitProperties),
      responses: {
        "200": { description: "The token", content: json(token) },
        ...adminErrors,
        "404": errors["404"],
        "422": errors["422"],
      },
    },
    delete: {
      operationId: "revokeToken",
      summary: "Revoke a token: it is refused from now on, and the dashboard sessions signed in with it end",
      parameters: [idParam("id")],
      responses: {
        "204": { description: "Revoked" },
        ...adminErrors,
        "404": problemResponse("No live token with this id"),
        "409": problemResponse("The token making the request cannot revoke itself"),
      },
    },
  },
  "/v1/admin/tenants": {
    get: {
      operationId: "listTenants",
      summary: "Every tenant, oldest first",
      responses: { "200": { description: "The tenants", content: results(tenant) }, ...adminErrors },
    },
    post: {
      operationId: "createTenant",
      summary:
        "Create a tenant: a group of tokens with its own limits and budget, which each of its tokens must also pass",
      requestBody: body(["name"], {
        name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
        ...limitProperties,
      }),
      responses: {
        "201": { description: "The new tenant", content: json(tenant) },
        ...adminErrors,
        "409": problemResponse("A tenant of this name exists"),
        "422": errors["422"],
      },
    },
  },
  "/v1/admin/tenants/{id}": {
    get: {
      operationId: "getTenant",
      summary: "A tenant (by id or name), with where its budget stands this period",
      parameters: [idParam("id")],
      responses: {
        "200": {
          description: "The tenant",
          content: json({ ...tenant, properties: { ...tenant.properties, budget_usage: budgetUsage } }),
        },
        ...adminErrors,
        "404": errors["404"],
      },
    },
    patch: {
      operationId: "updateTenant",
      summary: "Change a tenant's limits (null removes one)",
      parameters: [idParam("id")],
      requestBody: body([], limitProperties),
      responses: {
        "200": { description: "The tenant", content: json(tenant) },
        ...adminErrors,
        "404": errors["404"],
        "422": errors["422"],
      },
    },
    delete: {
      operationId: "deleteTenant",
      summary: "Delete a tenant none of whose tokens is live",
      parameters: [idParam("id")],
      responses: {
        "204": { description: "Deleted" },
        ...adminErrors,
        "404": errors["404"],
        "409": problemResponse("The tenant still has live tokens"),
      },
    },
  },
  "/v1/admin/audit": {
    get: {
      operationId: "listAudit",
      summary:
        "Admin actions (tokens and tenants created, changed, revoked, deleted), newest first, 100 a page",
      parameters: [
        { name: "action", in: "query", schema: { type: "string" }, description: "e.g. tokens.create" },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "A page of the log",
          content: json({
            type: "object",
            required: ["next", "previous", "results"],
            properties: {
              next: nullable("string"),
              previous: nullable("string"),
              results: {
                type: "array",
                items: {
                  type: "object",
                  required: ["id", "created_at", "actor_token_id", "action", "target", "detail", "ip"],
                  properties: {
                    id: { type: "string" },
                    created_at: dateTime,
                    actor_token_id: nullable("string"),
                    action: { type: "string" },
                    target: { type: "string" },
                    detail: { type: "object" },
                    ip: nullable("string"),
                  },
                },
              },
            },
          }),
        },
        ...adminErrors,
        "400": errors["400"],
      },
    },
  },
  "/v1/usage": {
    get: {
      operationId: "getUsage",
      summary:
        "What runs cost, from the spend ledger (fallback runs included): the caller's own, or for an admin everyone's or one token's or tenant's",
      parameters: [
        { name: "group_by", in: "query", schema: { enum: ["day", "model", "token"], default: "day" } },
        { name: "start", in: "query", schema: dateTime, description: "Default: the 1st of this month, UTC" },
        { name: "end", in: "query", schema: dateTime, description: "Default: now" },
        { name: "token", in: "query", schema: { type: "string" }, description: "Admins only" },
        { name: "tenant", in: "query", schema: { type: "string" }, description: "Admins only: a tenant id" },
      ],
      responses: {
        "200": {
          description: "Totals and one row per group",
          content: json({
            type: "object",
            required: ["group_by", "start", "end", "total_usd", "runs", "unpriced_runs", "results"],
            properties: {
              group_by: { enum: ["day", "model", "token"] },
              start: dateTime,
              end: dateTime,
              total_usd: { type: "number" },
              runs: { type: "integer" },
              unpriced_runs: { type: "integer", description: "Runs whose provider and model have no price" },
              results: {
                type: "array",
                items: {
                  type: "object",
                  description: "The group's key under the name group_by gives (a day, a model, a token id)",
                  required: ["cost_usd", "runs", "unpriced_runs"],
                  properties: {
                    day: { type: "string", format: "date" },
                    model: { type: "string" },
                    token: { type: "string" },
                    cost_usd: { type: "number" },
                    runs: { type: "integer" },
                    unpriced_runs: { type: "integer" },
                  },
                },
              },
            },
          }),
        },
        "401": errors["401"],
        "422": errors["422"],
      },
    },
  },
};
