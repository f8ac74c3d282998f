/** The trainings and LoRA endpoints and schemas of the OpenAPI document. */
import { errors, idParam, json, page, ref } from "./openapi-helpers.ts";

const trainingResponse = {
  "200": { description: "The training", content: json(ref("Training")) },
  ...errors,
};
const loraResponse = { "200": { description: "The LoRA", content: json(ref("Lora")) }, ...errors };
const loraFields = {
  name: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,39}$", description: "What `lora:<name>` refers to" },
  trigger_word: { type: "string", default: "TOK" },
  provider: { type: "string", description: "The provider that trains (default: the first cloud that can)" },
  trainer: { type: "string", description: "The trainer model (default: the provider's)" },
  samples: { type: "integer", minimum: 0, maximum: 8, default: 4 },
  webhook: {
    type: "string",
    format: "uri",
    description: "Receives the LoRA when it is ready, failed or canceled",
  },
};

export const trainingPaths = {
  "/v1/models/{owner}/{name}/versions/{version}/trainings": {
    post: {
      operationId: "trainings.create",
      summary: "Start a training of this trainer version into `destination` (a model you own)",
      parameters: [idParam("owner"), idParam("name"), idParam("version")],
      requestBody: { required: true, content: json(ref("TrainingRequest")) },
      responses: { "201": { description: "Created", content: json(ref("Training")) }, ...errors },
    },
  },
  "/v1/trainings": {
    get: {
      operationId: "trainings.list",
      summary: "List trainings, newest first",
      parameters: [{ name: "cursor", in: "query", schema: { type: "string" } }],
      responses: { "200": { description: "A page", content: json(page("Training")) }, ...errors },
    },
  },
  "/v1/trainings/{id}": {
    get: {
      operationId: "trainings.get",
      summary: "Get a training",
      parameters: [idParam("id")],
      responses: trainingResponse,
    },
  },
  "/v1/trainings/{id}/cancel": {
    post: {
      operationId: "trainings.cancel",
      summary: "Cancel a training",
      parameters: [idParam("id")],
      responses: trainingResponse,
    },
  },
  "/v1/loras": {
    post: {
      operationId: "createLora",
      summary: "Train a LoRA from photos: upload, create the model, train, make samples",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["name", "photos"],
              properties: {
                ...loraFields,
                photos: {
                  type: "array",
                  items: { type: "string", format: "binary" },
                  description: "Images, or zips of images",
                },
                params: { type: "string", description: "The trainer's parameters as a JSON object" },
              },
            },
          },
          ...json({
            type: "object",
            required: ["name"],
            properties: {
              ...loraFields,
              params: { type: "object" },
              zip_url: { type: "string", format: "uri" },
              photo_urls: { type: "array", items: { type: "string", format: "uri" } },
            },
          }),
        },
      },
      responses: { "201": { description: "Created", content: json(ref("Lora")) }, ...errors },
    },
    get: {
      operationId: "listLoras",
      summary: "List LoRAs, newest first",
      parameters: [{ name: "cursor", in: "query", schema: { type: "string" } }],
      responses: { "200": { description: "A page", content: json(page("Lora")) }, ...errors },
    },
  },
  "/v1/lora-photo-limits": {
    get: {
      operationId: "getLoraPhotoLimits",
      summary: "What a LoRA's photos are checked against, to check them before uploading",
      responses: {
        "200": {
          description: "The limits",
          content: json({
            type: "object",
            properties: {
              min_photos: { type: "integer" },
              max_photos: { type: "integer" },
              max_file_bytes: { type: "integer", description: "Largest photo (zips are exempt)" },
              max_total_bytes: { type: "integer", description: "Largest sum of the files" },
              min_side: { type: "integer", description: "Smallest shorter side, in pixels" },
              max_pixels: { type: "integer" },
              photo_types: {
                type: "array",
                items: { type: "string" },
                description: "Media types, by content",
              },
              archive_types: { type: "array", items: { type: "string" } },
            },
            required: [
              "min_photos",
              "max_photos",
              "max_file_bytes",
              "max_total_bytes",
              "min_side",
              "max_pixels",
              "photo_types",
              "archive_types",
            ],
          }),
        },
        ...errors,
      },
    },
  },
  "/v1/loras/{id}": {
    get: {
      operationId: "getLora",
      summary: "Get a LoRA by id or name",
      parameters: [idParam("id")],
      responses: loraResponse,
    },
    delete: {
      operationId: "deleteLora",
      summary: "Cancel if running, then forget the LoRA (the model upstream is kept)",
      parameters: [idParam("id")],
      responses: { "204": { description: "Deleted" }, ...errors },
    },
  },
  "/v1/loras/{id}/cancel": {
    post: {
      operationId: "cancelLora",
      summary: "Stop the LoRA's flow, canceling its training",
      parameters: [idParam("id")],
      responses: loraResponse,
    },
  },
};

export const trainingSchemas = {
  TrainingRequest: {
    type: "object",
    required: ["destination", "input"],
    properties: {
      destination: { type: "string", description: "`owner/name` of the model that receives the version" },
      input: { type: "object", description: "The trainer's training input" },
      webhook: { type: "string", format: "uri" },
      webhook_events_filter: { type: "array", items: { enum: ["start", "output", "logs", "completed"] } },
    },
  },
  Training: {
    allOf: [
      ref("Prediction"),
      {
        type: "object",
        properties: {
          destination: { type: "string" },
          output: {
            type: ["object", "null"],
            properties: { version: { type: "string" }, weights: { type: "string", format: "uri" } },
          },
        },
      },
    ],
  },
  Lora: {
    type: "object",
    required: [
      "id",
      "name",
      "model",
      "trigger_word",
      "provider",
      "trainer",
      "params",
      "photos",
      "status",
      "destination",
      "training_id",
      "version",
      "weights",
      "samples",
      "error",
      "created_at",
      "completed_at",
      "urls",
    ],
    properties: {
      id: { type: "string" },
      name: { type: "string" },
      model: { type: "string", description: "`lora:<name>`: pass it as a prediction's model" },
      trigger_word: { type: "string" },
      provider: { type: "string" },
      trainer: { type: "string" },
      params: { type: "object" },
      photos: { type: "integer" },
      status: {
        enum: ["uploading", "creating_model", "training", "sampling", "ready", "failed", "canceled"],
      },
      destination: { type: ["string", "null"] },
      training_id: { type: ["string", "null"] },
      version: { type: ["string", "null"] },
      weights: { type: ["string", "null"], format: "uri" },
      samples: {
        type: "array",
        items: {
          type: "object",
          required: ["prompt", "status", "prediction_id", "output"],
          properties: {
            prompt: { type: "string" },
            status: { type: "string" },
            prediction_id: { type: "string" },
            output: {},
          },
        },
      },
      error: { type: ["string", "null"] },
      created_at: { type: "string", format: "date-time" },
      completed_at: { type: ["string", "null"], format: "date-time" },
      urls: {
        type: "object",
        required: ["get", "cancel"],
        properties: { get: { type: "string", format: "uri" }, cancel: { type: "string", format: "uri" } },
      },
    },
  },
};
