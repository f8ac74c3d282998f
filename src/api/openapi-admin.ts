/** The admin endpoints of the OpenAPI document (admin tokens only; a 403 for any other). */
import { errors, idParam, json, problemResponse } from "./openapi-helpers.ts";

const adminErrors = { "401": errors["401"], "403": problemResponse("Not an admin token") };

const token = {
  type: "object",
  required: ["id", "name", "admin", "created_at", "last_used_at", "revoked_at"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    admin: { type: "boolean" },
    created_at: { type: "string", format: "date-time" },
    last_used_at: {
      type: ["string", "null"],
      format: "date-time",
      description: "Recorded at most once a minute per token and server process",
    },
    revoked_at: { type: ["string", "null"], format: "date-time" },
  },
};

const integer = { type: "integer" };

export const adminPaths = {
  "/v1/admin/providers/check": {
    get: {
      summary:
        "Run each configured provider's connection test on this server (reachability, credentials, rate-limit headroom), creating no paid work; admin tokens only",
      responses: {
        "200": {
          description: "One result per configured provider",
          content: json({
            type: "object",
            properties: {
              providers: {
                type: "array",
                items: {
                  type: "object",
                  required: ["provider", "reachable", "authenticated", "rate_limit_remaining", "detail"],
                  properties: {
                    provider: { type: "string" },
                    reachable: { type: "boolean" },
                    authenticated: {
                      type: ["boolean", "null"],
                      description: "null when the provider needs no credentials or could not be asked",
                    },
                    rate_limit_remaining: { type: ["integer", "null"] },
                    detail: { type: "string" },
                  },
                },
              },
            },
          }),
        },
        ...adminErrors,
      },
    },
  },
  "/v1/admin/providers/state": {
    get: {
      summary:
        "Each configured provider's work in flight against its concurrency (counted in the database, every process's work), its start budget's headroom and the circuits of the catalog targets it serves (this server's own); asks no provider",
      responses: {
        "200": {
          description: "One state per configured provider",
          content: json({
            type: "object",
            properties: {
              providers: {
                type: "array",
                items: {
                  type: "object",
                  required: ["provider", "concurrency", "rate_limit", "circuits"],
                  properties: {
                    provider: { type: "string" },
                    concurrency: {
                      type: "object",
                      properties: { limit: integer, in_flight: integer, queued: integer },
                    },
                    rate_limit: {
                      type: "object",
                      properties: {
                        bucket: {
                          type: "string",
                          description: "Providers sharing an upstream account share it",
                        },
                        per_minute: { type: "number" },
                        burst: integer,
                        available: {
                          ...integer,
                          description: "Starts allowed now; negative while paused after the upstream's 429",
                        },
                      },
                    },
                    circuits: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          target: { type: "string", description: "`<alias>#<index>`" },
                          model: { type: "string" },
                          state: { enum: ["closed", "open", "half-open"] },
                        },
                      },
                    },
                  },
                },
              },
            },
          }),
        },
        ...adminErrors,
      },
    },
  },
  "/v1/admin/tokens": {
    get: {
      summary: "Every API token, revoked ones included, oldest first (never their values)",
      responses: {
        "200": {
          description: "The tokens",
          content: json({ type: "object", properties: { results: { type: "array", items: token } } }),
        },
        ...adminErrors,
      },
    },
    post: {
      summary: "Create a token; its value is in this answer only (gengate keeps its hash)",
      requestBody: {
        required: true,
        content: json({
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 100 },
            admin: { type: "boolean", default: false },
          },
        }),
      },
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
        "422": errors["422"],
      },
    },
  },
  "/v1/admin/tokens/{id}": {
    delete: {
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
};
