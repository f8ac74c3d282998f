/** The OpenAPI description of the predictions list's filters, the bulk actions and webhook deliveries. */
import { errors, idParam, json, problemResponse, ref } from "./openapi-helpers.ts";

const filterSchemas = {
  status: {
    type: "string",
    description:
      "Only these statuses, comma-separated (`starting`, `processing`, `succeeded`, `failed`, `canceled`)",
  },
  model: { type: "string", description: "Only this model or alias (`owner/name`)" },
  provider: { type: "string", description: "Only predictions on this provider (`sim`, `replicate`, `fal`…)" },
  token: {
    type: "string",
    description: "Only this token's predictions (its id); a non-admin token may name only itself (else 403)",
  },
  created_after: { type: "string", format: "date-time", description: "Only those created at or after" },
  created_before: { type: "string", format: "date-time", description: "Only those created before" },
  q: {
    type: "string",
    maxLength: 500,
    description:
      "Full-text search of the input's text values (prompts, names, URLs; not keys or numbers): every word (letters and digits, any case) must occur, as a word or the start of one; at most 16 words",
  },
};

export const predictionListParameters = [
  { name: "cursor", in: "query", schema: { type: "string" } },
  ...Object.entries(filterSchemas).map(([name, schema]) => ({
    name,
    in: "query",
    schema: { type: schema.type, ...("format" in schema && { format: schema.format }) },
    description: `gengate's filter: ${schema.description}`,
  })),
  {
    name: "sort",
    in: "query",
    schema: { enum: ["newest", "oldest"], default: "newest" },
    description: "gengate's order: by creation, `newest` or `oldest` first; `next` links keep it",
  },
];

const bulkOperation = (operationId: string, summary: string) => ({
  operationId,
  summary,
  requestBody: { required: true, content: json(ref("BulkRequest")) },
  responses: {
    "200": { description: "What was done to each selected prediction", content: json(ref("BulkResult")) },
    "403": problemResponse("A non-admin token named another token"),
    ...errors,
  },
});

export const monitorPaths = {
  "/v1/predictions/bulk-cancel": {
    post: bulkOperation(
      "bulkCancelPredictions",
      "Cancel the unfinished predictions the filters (and/or ids) select, oldest first, at most `limit`; repeating it selects none of those already canceled",
    ),
  },
  "/v1/predictions/bulk-rerun": {
    post: bulkOperation(
      "bulkRerunPredictions",
      "Run each selected prediction again (same model or alias, same input) as a new prediction of the caller",
    ),
  },
  "/v1/predictions/{id}/webhooks": {
    get: {
      operationId: "listPredictionWebhooks",
      summary: "The webhook deliveries of a prediction (its owner's or an admin's), oldest first",
      parameters: [idParam("id")],
      responses: {
        "200": {
          description: "The deliveries",
          content: json({
            type: "object",
            properties: { results: { type: "array", items: ref("WebhookDelivery") } },
          }),
        },
        ...errors,
      },
    },
  },
};

export const monitorSchemas = {
  BulkRequest: {
    type: "object",
    description: "Give ids, at least one filter, or both (they combine). The filters are those of the list.",
    properties: {
      ...filterSchemas,
      ids: { type: "array", maxItems: 1000, items: { type: "string" } },
      limit: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
      dry_run: {
        type: "boolean",
        default: false,
        description: "Only say which predictions would be taken (to confirm, then send them back as `ids`)",
      },
    },
    additionalProperties: false,
  },
  BulkResult: {
    type: "object",
    properties: {
      dry_run: { type: "boolean" },
      selected: { type: "integer", description: "How many predictions the selection took" },
      done: { type: "integer" },
      failed: { type: "integer" },
      more: { type: "boolean", description: "More predictions matched than `limit`" },
      results: {
        type: "array",
        items: {
          type: "object",
          required: ["id"],
          properties: {
            id: { type: "string" },
            status: { type: "string", description: "After a cancel" },
            new_id: { type: "string", description: "The new prediction of a re-run" },
            error: { type: "string", description: "Why the action failed for this one" },
          },
        },
      },
    },
  },
  WebhookDelivery: {
    type: "object",
    properties: {
      id: { type: "string", description: "The `webhook-id` header value" },
      event: { enum: ["start", "output", "logs", "completed"] },
      url: { type: "string" },
      state: { enum: ["pending", "delivered", "failed"] },
      attempts: { type: "integer" },
      last_status: { type: ["integer", "null"], description: "HTTP status of the last attempt" },
      last_error: { type: ["string", "null"] },
      created_at: { type: "string", format: "date-time" },
      next_attempt_at: { type: ["string", "null"], format: "date-time" },
    },
  },
};
