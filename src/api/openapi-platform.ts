/** The OpenAPI document's parts for models made through gengate, model search, and Replicate's own lists. */
import { errors, idParam, json, page, problemResponse, ref } from "./openapi-helpers.ts";

const notConfigured = problemResponse(
  "Replicate is not configured (REPLICATE_API_TOKEN): gengate has no deployments, collections or hardware of its own",
);
const passedThrough = "Passed through to Replicate, in Replicate's shape";

const link = { type: "string", format: "uri" };

/** `POST /v1/models` and `QUERY /v1/models`, beside `GET /v1/models`. */
export const modelWriteOperations = {
  post: {
    operationId: "models.create",
    summary:
      "Make a model to train into: at Replicate when its owner is the Replicate account's (then Replicate's answer), or kept by gengate for the simulator (owner `sim-lora`, hardware `cpu`). `gengate.model_owners` of `GET /v1/account` lists the owners the token can make models as; only the token that made a model (or an admin) reads it and trains into it",
    requestBody: {
      required: true,
      content: json({
        type: "object",
        additionalProperties: false,
        required: ["owner", "name", "visibility", "hardware"],
        properties: {
          owner: { type: "string" },
          name: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$" },
          visibility: { enum: ["public", "private"] },
          hardware: {
            type: "string",
            description: "A SKU of `GET /v1/hardware`; `cpu` for models gengate keeps",
          },
          description: { type: "string" },
          github_url: link,
          paper_url: link,
          license_url: link,
          cover_image_url: link,
        },
      }),
    },
    responses: {
      "201": { description: "The model (no version until a training adds one)", content: json(ref("Model")) },
      ...errors,
      "403": problemResponse("`owner` is not one the token can make models as"),
      "409": problemResponse("A model of that name exists"),
      "502": problemResponse("Replicate failed to make it"),
    },
  },
  query: {
    operationId: "models.search",
    summary:
      "Search models (HTTP method QUERY, the body is the search text): gengate's catalog and models, the token's own made models, then Replicate's search when it is configured",
    requestBody: {
      required: true,
      content: {
        "text/plain": {
          schema: { type: "string", minLength: 1, maxLength: 500, description: "Plain, or one JSON string" },
        },
      },
    },
    responses: {
      "200": { description: "The models found, one page", content: json(page("Model")) },
      ...errors,
    },
  },
};

/** Replicate's own lists, passed through when Replicate is configured. */
export const platformPaths = {
  "/v1/deployments": {
    get: {
      operationId: "deployments.list",
      summary: `List the Replicate account's deployments. ${passedThrough}`,
      parameters: [{ name: "cursor", in: "query", schema: { type: "string" } }],
      responses: {
        "200": { description: "A page of deployments", content: json(page("Deployment")) },
        "401": errors["401"],
        "404": notConfigured,
      },
    },
  },
  "/v1/deployments/{owner}/{name}": {
    get: {
      operationId: "deployments.get",
      summary: `Get a deployment. ${passedThrough}`,
      parameters: [idParam("owner"), idParam("name")],
      responses: {
        "200": { description: "The deployment", content: json(ref("Deployment")) },
        "401": errors["401"],
        "404": problemResponse("No such deployment, or Replicate is not configured"),
      },
    },
  },
  "/v1/collections": {
    get: {
      operationId: "collections.list",
      summary: `List Replicate's collections of models. ${passedThrough}`,
      parameters: [{ name: "cursor", in: "query", schema: { type: "string" } }],
      responses: {
        "200": {
          description: "A page of collections",
          content: json({
            type: "object",
            properties: {
              next: { type: ["string", "null"] },
              previous: { type: ["string", "null"] },
              results: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    name: { type: "string" },
                    slug: { type: "string" },
                    description: { type: "string" },
                  },
                },
              },
            },
          }),
        },
        "401": errors["401"],
        "404": notConfigured,
      },
    },
  },
  "/v1/collections/{slug}": {
    get: {
      operationId: "collections.get",
      summary: `Get a collection with its models. ${passedThrough}`,
      parameters: [idParam("slug")],
      responses: {
        "200": {
          description: "The collection",
          content: json({
            type: "object",
            properties: {
              name: { type: "string" },
              slug: { type: "string" },
              description: { type: "string" },
              full_description: { type: ["string", "null"] },
              models: { type: "array", items: ref("Model") },
            },
          }),
        },
        "401": errors["401"],
        "404": problemResponse("No such collection, or Replicate is not configured"),
      },
    },
  },
  "/v1/hardware": {
    get: {
      operationId: "hardware.list",
      summary: `The hardware SKUs models can run on at Replicate (a plain array). ${passedThrough}`,
      responses: {
        "200": {
          description: "The SKUs",
          content: json({
            type: "array",
            items: { type: "object", properties: { name: { type: "string" }, sku: { type: "string" } } },
          }),
        },
        "401": errors["401"],
        "404": notConfigured,
      },
    },
  },
};

export const platformSchemas = {
  Deployment: {
    type: "object",
    description: "Replicate's deployment, as Replicate answers it",
    properties: {
      owner: { type: "string" },
      name: { type: "string" },
      current_release: { type: "object" },
    },
  },
};
