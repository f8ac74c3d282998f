/** gengate's own API, described as OpenAPI 3.1 and served at /openapi.json. */
import { adminPaths } from "./openapi-admin.ts";
import { batchPaths, batchSchemas } from "./openapi-batches.ts";
import { galleryPaths, gallerySchemas } from "./openapi-gallery.ts";
import { errors, idParam, json, page, problemResponse, ref, retentionHeader } from "./openapi-helpers.ts";
import { monitorPaths, monitorSchemas, predictionListParameters } from "./openapi-monitor.ts";
import { openAiPaths } from "./openapi-openai.ts";
import { modelWriteOperations, platformPaths, platformSchemas } from "./openapi-platform.ts";
import { tenancyPaths } from "./openapi-tenancy.ts";
import { trainingPaths, trainingSchemas } from "./openapi-training.ts";

const createHeaders = [
  {
    name: "Prefer",
    in: "header",
    schema: { type: "string", pattern: "^wait(=([1-9]|[1-5][0-9]|60))?$" },
    description: "Hold the request until the prediction ends or N seconds pass; then `status` is `starting`.",
  },
  {
    name: "Cancel-After",
    in: "header",
    schema: { type: "string" },
    description: "Deadline such as `30s` or `1h30m` (from 5 s to 168 h).",
  },
  retentionHeader,
];
const createOperation = (operationId: string, summary: string, body: string, extraParams: object[] = []) => ({
  operationId,
  summary,
  parameters: [...extraParams, ...createHeaders],
  requestBody: { required: true, content: json(ref(body)) },
  responses: { "201": { description: "Created", content: json(ref("Prediction")) }, ...errors },
});

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "gengate",
      version: "0.1.0",
      description: "Self-hosted gateway for generative media. `/v1` is compatible with Replicate's HTTP API.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "The gengate serving this document" }],
    security: [{ bearerAuth: [] }],
    paths: {
      "/v1/predictions": {
        post: createOperation(
          "predictions.create",
          "Create a prediction by version (`owner/name`, `owner/name:version` or a version id)",
          "VersionPredictionRequest",
        ),
        get: {
          operationId: "predictions.list",
          summary: "List predictions, newest first unless `sort` says",
          parameters: predictionListParameters,
          responses: { "200": { description: "A page", content: json(page("Prediction")) }, ...errors },
        },
      },
      "/v1/models/{owner}/{name}/predictions": {
        post: createOperation(
          "models.predictions.create",
          "Create a prediction of a model's latest version",
          "PredictionRequest",
          [idParam("owner"), idParam("name")],
        ),
      },
      "/v1/predictions/{id}": {
        get: {
          operationId: "predictions.get",
          summary: "Get a prediction",
          parameters: [idParam("id")],
          responses: {
            "200": { description: "The prediction", content: json(ref("Prediction")) },
            ...errors,
          },
        },
      },
      "/v1/predictions/{id}/cancel": {
        post: {
          operationId: "predictions.cancel",
          summary: "Cancel a prediction",
          parameters: [idParam("id")],
          responses: {
            "200": { description: "The prediction", content: json(ref("Prediction")) },
            ...errors,
          },
        },
      },
      "/v1/predictions/{id}/files": {
        delete: {
          operationId: "removePredictionFiles",
          summary:
            "Remove an ended prediction's input, output, logs and files now (`data_removed` becomes true); files other predictions still hold stay; again changes nothing",
          parameters: [idParam("id")],
          responses: {
            "200": { description: "The prediction, its data removed", content: json(ref("Prediction")) },
            ...errors,
          },
        },
      },
      "/v1/predictions/{id}/stream": {
        get: {
          operationId: "streamPrediction",
          summary: "Server-Sent Events: output, logs, error, done",
          security: [],
          parameters: [idParam("id")],
          responses: {
            "200": { description: "Event stream", content: { "text/event-stream": {} } },
            "404": errors["404"],
          },
        },
      },
      "/v1/account": {
        get: {
          operationId: "account.get",
          summary:
            "The account of the token (Replicate's `account.get`): its name, and in `gengate` its id, whether it is an admin and the owners it can make models as",
          responses: {
            "200": {
              description: "The account",
              content: json({
                type: "object",
                required: ["type", "username"],
                properties: {
                  type: { enum: ["user"] },
                  username: {
                    type: "string",
                    description:
                      "The owner `POST /v1/models` makes models as by default: the Replicate account's when Replicate is configured, else the simulator's `sim-lora`; the token's name when no provider trains",
                  },
                  name: { type: "string", description: "The token's name" },
                  gengate: {
                    type: "object",
                    properties: {
                      token_id: { type: "string" },
                      admin: { type: "boolean" },
                      model_owners: {
                        type: "array",
                        description:
                          "The owners the token can make models as (POST /v1/models), with the provider that trains into them",
                        items: {
                          type: "object",
                          properties: { owner: { type: "string" }, provider: { type: "string" } },
                        },
                      },
                      warnings: {
                        type: "array",
                        items: { type: "string" },
                        description: "Why an owner is missing: Replicate could not be asked its account",
                      },
                    },
                  },
                },
              }),
            },
            ...errors,
          },
        },
      },
      "/v1/models": {
        get: {
          operationId: "models.list",
          summary: "List models",
          responses: {
            "200": { description: "A page of models", content: json(page("Model")) },
            "401": errors["401"],
          },
        },
        ...modelWriteOperations,
      },
      "/v1/models/{owner}/{name}": {
        get: {
          operationId: "models.get",
          summary: "Get a model with its latest version",
          parameters: [idParam("owner"), idParam("name")],
          responses: { "200": { description: "The model", content: json(ref("Model")) }, ...errors },
        },
      },
      "/v1/models/{owner}/{name}/versions": {
        get: {
          operationId: "models.versions.list",
          summary: "List a model's versions",
          parameters: [idParam("owner"), idParam("name")],
          responses: {
            "200": { description: "A page of versions", content: json(page("Version")) },
            ...errors,
          },
        },
      },
      "/v1/models/{owner}/{name}/versions/{id}": {
        get: {
          operationId: "models.versions.get",
          summary: "Get a version with its openapi_schema",
          parameters: [idParam("owner"), idParam("name"), idParam("id")],
          responses: { "200": { description: "The version", content: json(ref("Version")) }, ...errors },
        },
      },
      "/v1/files": {
        post: {
          operationId: "files.create",
          summary: "Upload a file (multipart: content, metadata)",
          requestBody: {
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["content"],
                  properties: { content: { type: "string", format: "binary" }, metadata: { type: "string" } },
                },
              },
            },
          },
          responses: { "201": { description: "The file", content: json(ref("File")) }, ...errors },
        },
        get: {
          operationId: "files.list",
          summary: "List the caller's files that have not expired",
          responses: {
            "200": { description: "A page of files", content: json(page("File")) },
            "401": errors["401"],
          },
        },
      },
      "/v1/files/{id}": {
        get: {
          operationId: "files.get",
          summary: "Get a file's description",
          parameters: [idParam("id")],
          responses: { "200": { description: "The file", content: json(ref("File")) }, ...errors },
        },
        delete: {
          operationId: "files.delete",
          summary: "Delete a file; its bytes go once no other live file holds them",
          parameters: [idParam("id")],
          responses: { "204": { description: "Deleted" }, ...errors },
        },
      },
      "/v1/files/{id}/download": {
        get: {
          operationId: "files.download",
          summary: "Download a file",
          parameters: [idParam("id")],
          responses: { "200": { description: "The bytes" }, "401": errors["401"], "404": errors["404"] },
        },
      },
      "/v1/webhooks/default/secret": {
        get: {
          operationId: "webhooks.default.secret.get",
          summary:
            "The `whsec_` secret the caller's outbound webhooks are signed with (Standard Webhooks; one per token)",
          responses: {
            "200": {
              description: "The secret",
              content: json({ type: "object", properties: { key: { type: "string" } } }),
            },
            "401": errors["401"],
          },
        },
      },
      "/files/{key}": {
        get: {
          operationId: "getStoredFile",
          summary:
            "A stored file by its content key, through the signed, expiring link the API gave (unsigned with GENGATE_PUBLIC_FILES=1); uploads are read at /v1/files/{id}/download",
          security: [],
          parameters: [
            idParam("key"),
            { name: "expires", in: "query", schema: { type: "integer" }, description: "Unix seconds" },
            {
              name: "sig",
              in: "query",
              schema: { type: "string" },
              description: "HMAC-SHA256 of path and expiry",
            },
          ],
          responses: {
            "200": { description: "The bytes (ETag: the SHA-256; Range requests answered with 206)" },
            "206": { description: "The requested range" },
            "302": { description: "STORAGE_SERVE=redirect: a short-lived URL of the blob store" },
            "304": { description: "Not modified (If-None-Match)" },
            "403": problemResponse("The link is unsigned, tampered with or expired"),
            "404": problemResponse("No such file"),
            "416": problemResponse("The range is outside the file"),
          },
        },
      },
      "/hooks/{provider}": {
        post: {
          operationId: "receiveProviderWebhook",
          summary: "Inbound webhooks from providers (signed by the provider)",
          security: [],
          parameters: [idParam("provider")],
          responses: { "200": { description: "Accepted" }, "401": problemResponse("Bad signature") },
        },
      },
      "/v1/deployments/{owner}/{name}/predictions": {
        post: createOperation(
          "deployments.predictions.create",
          "Create a prediction on a provider's deployment",
          "PredictionRequest",
          [idParam("owner"), idParam("name")],
        ),
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1" } },
        },
      },
      "/health": {
        get: {
          operationId: "getHealth",
          summary: "Health: the process's role, its database and its queue wake-ups",
          security: [],
          responses: {
            "200": { description: "Healthy" },
            "503": { description: "The database or the queue's wake-ups are not reachable" },
          },
        },
      },
      "/metrics": {
        get: {
          operationId: "getMetrics",
          summary:
            "Prometheus metrics: predictions, their times, the queue, upstream calls, circuits, fallbacks, webhooks, HTTP requests by route and the process; off unless GENGATE_METRICS_TOKEN (the Bearer token it asks) or GENGATE_METRICS_PORT (served there instead) is set",
          security: [{ metricsToken: [] }],
          responses: {
            "200": { description: "Prometheus text format" },
            "401": { description: "Without the metrics token" },
            "404": { description: "Metrics are off here (or served on their own port)" },
          },
        },
      },
      ...adminPaths,
      ...tenancyPaths,
      ...batchPaths,
      ...monitorPaths,
      ...trainingPaths,
      ...galleryPaths,
      ...platformPaths,
      ...openAiPaths,
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer" },
        metricsToken: { type: "http", scheme: "bearer", description: "GENGATE_METRICS_TOKEN" },
      },
      schemas: {
        ...batchSchemas,
        ...monitorSchemas,
        ...trainingSchemas,
        ...gallerySchemas,
        ...platformSchemas,
        PredictionRequest: {
          type: "object",
          required: ["input"],
          properties: {
            input: { type: "object", description: "The model's inputs; see the version's openapi_schema" },
            webhook: { type: "string", format: "uri" },
            webhook_events_filter: {
              type: "array",
              items: { enum: ["start", "output", "logs", "completed"] },
            },
          },
        },
        VersionPredictionRequest: {
          allOf: [
            ref("PredictionRequest"),
            { type: "object", required: ["version"], properties: { version: { type: "string" } } },
          ],
        },
        Prediction: {
          type: "object",
          required: [
            "id",
            "model",
            "version",
            "input",
            "output",
            "logs",
            "error",
            "status",
            "created_at",
            "data_removed",
            "urls",
          ],
          properties: {
            id: { type: "string" },
            model: { type: "string" },
            version: { type: "string" },
            input: { type: "object" },
            output: {},
            logs: { type: "string" },
            error: { type: ["string", "null"] },
            status: { enum: ["starting", "processing", "succeeded", "failed", "canceled"] },
            created_at: { type: "string", format: "date-time" },
            started_at: { type: ["string", "null"], format: "date-time" },
            completed_at: { type: ["string", "null"], format: "date-time" },
            data_removed: {
              type: "boolean",
              description:
                "True once retention (or `DELETE /v1/predictions/{id}/files`) removed the input, output, logs and files: `input` is `{}`, `output` null, `logs` empty",
            },
            metrics: {
              type: "object",
              properties: { predict_time: { type: "number" }, total_time: { type: "number" } },
            },
            urls: { type: "object", additionalProperties: { type: "string" } },
            gengate: {
              description:
                "gengate's extension: the seed the model reported, and for catalog aliases (`gengate/<alias>`) how it was routed",
              type: "object",
              properties: {
                seed: { type: "integer", description: "From the model's logs (`Using seed: N`)" },
                cost_usd: {
                  type: "number",
                  description:
                    "What the finished prediction cost in US dollars, from the `pricing` configuration",
                },
                alias: { type: "string" },
                target: {
                  type: "object",
                  properties: {
                    key: { type: "string" },
                    provider: { type: "string" },
                    model: { type: "string" },
                  },
                },
                target_input: {
                  type: "object",
                  description: "The input as sent to that target, after mapping",
                },
                route: {
                  type: "array",
                  description: "Each target tried or skipped, in order, with the reason",
                  items: {
                    type: "object",
                    properties: {
                      target: { type: "string" },
                      provider: { type: "string" },
                      model: { type: "string" },
                      outcome: { enum: ["ran", "skipped", "failed"] },
                      reason: { type: "string" },
                    },
                  },
                },
                warnings: {
                  type: "array",
                  items: { type: "string" },
                  description:
                    "What was dropped or rewritten of the input: the catalog's adaptations for a target, what the provider's mapping drops or overrides",
                },
              },
            },
          },
        },
        Model: {
          type: "object",
          required: ["owner", "name", "description"],
          properties: {
            owner: { type: "string" },
            name: { type: "string" },
            description: { type: ["string", "null"] },
            gengate: {
              type: "object",
              description: "For a catalog alias (owner `gengate`): how it routes",
              required: ["builtin", "strategy", "on_unsupported", "fallback", "targets"],
              properties: {
                builtin: { type: "boolean" },
                strategy: { type: "string" },
                on_unsupported: { type: "string" },
                fallback: { type: ["string", "null"] },
                targets: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["provider", "model"],
                    properties: {
                      provider: { type: "string" },
                      model: { type: "string" },
                      weight: { type: "number" },
                    },
                  },
                },
              },
            },
            latest_version: {
              anyOf: [ref("Version"), { type: "null" }],
              description:
                "For a catalog alias (owner `gengate`), in `GET /v1/models/gengate/{alias}` only: its first target's input schema under the alias's parameter names, with an id of the alias's own; null when that target's provider cannot say",
            },
          },
        },
        Version: {
          type: "object",
          properties: {
            id: { type: "string" },
            created_at: { type: "string" },
            cog_version: { type: "string" },
            openapi_schema: { type: "object" },
          },
        },
        File: {
          type: "object",
          properties: {
            id: { type: "string" },
            name: { type: "string" },
            content_type: { type: "string" },
            size: { type: "integer" },
            urls: { type: "object" },
          },
        },
        Problem: {
          type: "object",
          properties: {
            title: { type: "string" },
            detail: { type: "string" },
            status: { type: "integer" },
            invalid_fields: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  type: { type: "string" },
                  field: { type: "string" },
                  description: { type: "string" },
                },
              },
            },
          },
        },
      },
    },
  };
}
