/**
 * A version's `openapi_schema` the way Cog generates it: a FastAPI document whose
 * `components.schemas` hold `Input` and `Output` (and `TrainingInput`/`TrainingOutput` for
 * trainable models). Choices become enumeration schemas referenced through `allOf`.
 */

export interface CogField {
  type: "string" | "integer" | "number" | "boolean";
  description: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  format?: "uri";
  choices?: readonly (string | number)[];
}

export interface CogSignature {
  /** In display order (`x-order`). */
  fields: Record<string, CogField>;
  required?: string[];
  output: Record<string, unknown>;
}

type Schemas = Record<string, Record<string, unknown>>;

const title = (name: string) =>
  name
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");

function objectSchema(name: string, signature: CogSignature, enums: Schemas): Record<string, unknown> {
  const properties: Schemas = {};
  Object.entries(signature.fields).forEach(([field, { choices, ...rest }], order) => {
    if (choices) {
      enums[field] = { title: field, description: "An enumeration.", enum: [...choices], type: rest.type };
      const { type: _type, ...annotations } = rest;
      properties[field] = {
        allOf: [{ $ref: `#/components/schemas/${field}` }],
        ...annotations,
        "x-order": order,
      };
    } else {
      properties[field] = { title: title(field), ...rest, "x-order": order };
    }
  });
  return {
    title: name,
    type: "object",
    properties,
    ...(signature.required?.length ? { required: signature.required } : {}),
  };
}

const jsonBody = (ref: string) => ({
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});

function operation(path: string, request: string, response: string) {
  return {
    [path]: {
      post: {
        summary: title(path.slice(1)),
        operationId: `${path.slice(1)}_post`,
        requestBody: jsonBody(request),
        responses: { "200": { description: "Successful Response", ...jsonBody(response) } },
      },
    },
  };
}

function requestAndResponse(prefix: "Prediction" | "Training", input: string, output: string): Schemas {
  return {
    [`${prefix}Request`]: {
      title: `${prefix}Request`,
      type: "object",
      properties: {
        id: { title: "Id", type: "string" },
        input: { $ref: `#/components/schemas/${input}` },
        webhook: { title: "Webhook", type: "string", format: "uri" },
        webhook_events_filter: { type: "array", items: { $ref: "#/components/schemas/WebhookEvent" } },
      },
    },
    [`${prefix}Response`]: {
      title: `${prefix}Response`,
      type: "object",
      properties: {
        id: { title: "Id", type: "string" },
        input: { $ref: `#/components/schemas/${input}` },
        output: { $ref: `#/components/schemas/${output}` },
        logs: { title: "Logs", type: "string", default: "" },
        error: { title: "Error", type: "string" },
        status: { $ref: "#/components/schemas/Status" },
      },
    },
  };
}

export function cogOpenApiSchema(predict: CogSignature, train?: CogSignature): Record<string, unknown> {
  const enums: Schemas = {};
  const schemas: Schemas = {
    Input: objectSchema("Input", predict, enums),
    Output: { title: "Output", ...predict.output },
    ...requestAndResponse("Prediction", "Input", "Output"),
    Status: {
      title: "Status",
      description: "An enumeration.",
      enum: ["starting", "processing", "succeeded", "canceled", "failed"],
      type: "string",
    },
    WebhookEvent: {
      title: "WebhookEvent",
      description: "An enumeration.",
      enum: ["start", "output", "logs", "completed"],
      type: "string",
    },
  };
  let paths = operation("/predictions", "PredictionRequest", "PredictionResponse");
  if (train) {
    schemas.TrainingInput = objectSchema("TrainingInput", train, enums);
    schemas.TrainingOutput = { title: "TrainingOutput", ...train.output };
    Object.assign(schemas, requestAndResponse("Training", "TrainingInput", "TrainingOutput"));
    paths = { ...paths, ...operation("/trainings", "TrainingRequest", "TrainingResponse") };
  }
  return {
    openapi: "3.0.2",
    info: { title: "Cog", version: "0.1.0" },
    paths,
    components: { schemas: { ...schemas, ...enums } },
  };
}

/** Whether a version's output is a list (of files or tokens) rather than a single value. */
export function outputIsList(openapiSchema: Record<string, unknown>): boolean {
  const components = openapiSchema.components as { schemas?: { Output?: { type?: unknown } } } | undefined;
  return components?.schemas?.Output?.type === "array";
}
