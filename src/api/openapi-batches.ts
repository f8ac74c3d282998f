/** The batch endpoints and schemas of the OpenAPI document. */
import { errors, idParam, json, page, problemResponse, ref, retentionHeader } from "./openapi-helpers.ts";

const batchResponse = (description: string) => ({
  "200": { description, content: json(ref("Batch")) },
  ...errors,
});
const batchAction = (operationId: string, summary: string) => ({
  post: { operationId, summary, parameters: [idParam("id")], responses: batchResponse("The batch") },
});
const counts = {
  type: "object",
  properties: Object.fromEntries(
    ["total", "queued", "starting", "processing", "succeeded", "failed", "canceled"].map((name) => [
      name,
      { type: "integer" },
    ]),
  ),
};
const cost = {
  type: "object",
  properties: {
    usd: { type: "number", description: "Cost of the finished items, from the configured prices" },
    unpriced_items: { type: "integer", description: "Finished items whose model has no price" },
  },
};

const outputPath = {
  type: "string",
  maxLength: 1024,
  description:
    "The item's own file name in the archive and the CLI's --out folder, instead of name_template's: a relative path, subfolders with /, kept as given (the output's extension is added when it has none; _2, _3… before it for more outputs). No .. or . parts, no leading /, no \\ : * ? \" < > | or control characters",
};
const metadata = {
  type: "object",
  description:
    "Your data about the item (at most 16 KiB of JSON): kept and returned with it, never sent to the model",
};

export const batchPaths = {
  "/v1/batches": {
    post: {
      operationId: "createBatch",
      summary: "Create a batch of predictions",
      parameters: [
        {
          name: "Idempotency-Key",
          in: "header",
          schema: { type: "string", maxLength: 200 },
          description: "The same key with the same body returns the first batch (200) instead of a new one",
        },
        retentionHeader,
      ],
      requestBody: { required: true, content: json(ref("BatchRequest")) },
      responses: {
        "201": { description: "Created", content: json(ref("Batch")) },
        "200": { description: "Created earlier under the same Idempotency-Key", content: json(ref("Batch")) },
        "409": problemResponse("Idempotency-Key already used with another body"),
        ...errors,
      },
    },
    get: {
      operationId: "listBatches",
      summary: "List batches, newest first (without items)",
      parameters: [{ name: "cursor", in: "query", schema: { type: "string" } }],
      responses: { "200": { description: "A page", content: json(page("Batch")) }, ...errors },
    },
  },
  "/v1/batches/parse": {
    post: {
      operationId: "parseBatchFile",
      summary: "Read a batch file as `gengate batch` does; creates nothing",
      description:
        "The file's name picks its format: .csv (a header row, an item a row), .json (an array of items, or an object with items and batch fields), .jsonl (an item a line), anything else a prompt a line. The answer holds the items and the batch fields the file sets, ready for POST /v1/batches; an error names the file and its line or item.",
      requestBody: { required: true, content: json(ref("BatchFile")) },
      responses: {
        "200": { description: "What the file holds", content: json(ref("BatchFileContent")) },
        ...errors,
      },
    },
  },
  "/v1/batches/{id}": {
    get: {
      operationId: "getBatch",
      summary: "Get a batch with its items",
      parameters: [idParam("id")],
      responses: batchResponse("The batch"),
    },
  },
  "/v1/batches/{id}/cancel": batchAction("cancelBatch", "Cancel every unfinished item"),
  "/v1/batches/{id}/retry": batchAction("retryBatch", "Run the failed items again, each as a new prediction"),
  "/v1/batches/{id}/events": {
    get: {
      operationId: "streamBatchEvents",
      summary: "Server-Sent Events: item (an item finished), progress, done",
      parameters: [idParam("id")],
      responses: { "200": { description: "Event stream", content: { "text/event-stream": {} } }, ...errors },
    },
  },
  "/v1/batches/{id}/archive": {
    get: {
      operationId: "getBatchArchive",
      summary: "Every output of the succeeded items as a zip, under their output_path or templated names",
      parameters: [idParam("id")],
      responses: { "200": { description: "The archive", content: { "application/zip": {} } }, ...errors },
    },
  },
};

export const batchSchemas = {
  BatchFile: {
    type: "object",
    required: ["name", "text"],
    additionalProperties: false,
    properties: {
      name: { type: "string", maxLength: 255, description: "The file's name, e.g. prompts.csv" },
      text: { type: "string", description: "The file's content" },
    },
  },
  BatchFileContent: {
    type: "object",
    required: ["items"],
    properties: {
      items: { type: "array", minItems: 1, items: { type: "object" } },
      model: { type: "string" },
      input: { type: "object" },
      name_template: { type: "string" },
      concurrency: { type: "integer", minimum: 1 },
    },
  },
  BatchRequest: {
    type: "object",
    required: ["items"],
    properties: {
      model: { type: "string", description: "Model of the items that name none" },
      input: { type: "object", description: "Input shared by all items; an item's own input wins" },
      items: {
        type: "array",
        minItems: 1,
        maxItems: 10_000,
        items: {
          type: "object",
          additionalProperties: false,
          properties: {
            model: { type: "string" },
            input: { type: "object" },
            output_path: outputPath,
            metadata,
          },
        },
      },
      name_template: {
        type: "string",
        default: "{index}_{slug}.{ext}",
        description:
          "Output file names of items without an output_path: {index} (from 1; {index:4} zero-pads), {output}, {ext}, {slug} (the prompt), {model}, or a field of the item's input or metadata (an input field the model does not take is not sent to it)",
      },
      concurrency: { type: "integer", minimum: 1, description: "At most this many items run at once" },
      webhook: { type: "string", format: "uri", description: "Receives the batch when it ends" },
    },
  },
  Batch: {
    type: "object",
    required: ["id", "status", "created_at", "counts", "cost", "urls"],
    properties: {
      id: { type: "string" },
      status: { enum: ["processing", "completed", "canceled"] },
      created_at: { type: "string", format: "date-time" },
      completed_at: { type: ["string", "null"], format: "date-time" },
      name_template: { type: "string" },
      concurrency: { type: ["integer", "null"] },
      counts,
      cost,
      items: { type: "array", items: ref("BatchItem") },
      urls: { type: "object", additionalProperties: { type: "string" } },
    },
  },
  BatchItem: {
    type: "object",
    properties: {
      index: { type: "integer", description: "Position in the request, from 1" },
      model: { type: "string" },
      output_path: { ...outputPath, type: ["string", "null"] },
      metadata: { ...metadata, type: ["object", "null"] },
      status: { enum: ["queued", "starting", "processing", "succeeded", "failed", "canceled"] },
      prediction_id: {
        type: "string",
        description: "The item's current prediction (a retry makes a new one)",
      },
      error: { type: ["string", "null"] },
      outputs: {
        type: "array",
        items: { type: "object", properties: { name: { type: "string" }, url: { type: "string" } } },
      },
      text: { type: "string", description: "A text model's output" },
    },
  },
};
