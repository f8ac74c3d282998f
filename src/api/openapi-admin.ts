/** The providers' admin endpoints of the OpenAPI document (admin tokens only; a 403 for any other). */
import { errors, json, problemResponse } from "./openapi-helpers.ts";

const adminErrors = { "401": errors["401"], "403": problemResponse("Not an admin token") };

const integer = { type: "integer" };

export const adminPaths = {
  "/v1/admin/providers/check": {
    get: {
      operationId: "checkProviders",
      summary:
        "Run each configured provider's connection test on this server (reachability, credentials, rate-limit headroom), creating no paid work; admin tokens only",
      responses: {
        "200": {
          description: "One result per configured provider",
          content: json({
            type: "object",
            required: ["providers"],
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
      operationId: "getProviderStates",
      summary:
        "Each configured provider's work in flight against its concurrency (counted in the database, every process's work), its start budget's headroom and the circuits of the catalog targets it serves (this server's own); asks no provider",
      responses: {
        "200": {
          description: "One state per configured provider",
          content: json({
            type: "object",
            required: ["providers"],
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
};
