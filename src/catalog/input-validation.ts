/** Checks a prediction's input against the model version's JSON Schema before any money is spent. */
import type { ErrorObject, ValidateFunction } from "ajv";
import { isUsableFileUrl } from "../core/data-url.ts";
import { GatewayError, type InvalidField } from "../core/errors.ts";
import { addFormats, lazyAjv } from "../core/lazy-ajv.ts";
import type { ModelDescriptor } from "../providers/provider.ts";
import { withSafeIntegers } from "./safe-integers.ts";

const ajv = lazyAjv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false }, (instance) => {
  addFormats(instance);
  // A file input is read by gengate or the provider: anything else (file://, a malformed URL) would
  // only fail once the prediction runs.
  instance.addFormat("uri", { type: "string", validate: isUsableFileUrl });
});
const URI_MESSAGE =
  "must be a URL gengate or the provider can read (http(s), or a data URL holding the file)";

/** Compiled validators by schema text: the same version id may first be seen without its schema. */
const compiled = new Map<string, ValidateFunction>();
/** The same, by schema object: a model's schema is the same object request after request, so it is not serialized each time. */
const bySchema = new WeakMap<object, ValidateFunction>();

function validatorFor(model: ModelDescriptor): ValidateFunction {
  const schema = model.inputSchema;
  const known = bySchema.get(schema);
  if (known) return known;
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv().compile(withSafeIntegers(schema));
    compiled.set(key, validate);
  }
  bySchema.set(schema, validate);
  return validate;
}

function toInvalidField(error: ErrorObject): InvalidField {
  const path = error.instancePath.split("/").filter(Boolean).join(".");
  if (error.keyword === "required") {
    const missing = String(error.params.missingProperty);
    return {
      type: "required",
      field: `input.${path ? `${path}.` : ""}${missing}`,
      description: `${missing} is required`,
    };
  }
  const field = path ? `input.${path}` : "input";
  const message = error.keyword === "format" && error.params.format === "uri" ? URI_MESSAGE : error.message;
  const allowed = error.keyword === "enum" ? `: ${(error.params.allowedValues as unknown[]).join(", ")}` : "";
  return {
    type: error.keyword,
    field,
    description: `${path || "input"} ${message ?? "is invalid"}${allowed}`,
  };
}

/** Returns a copy of `input` with the schema's defaults applied, or throws a 422 naming each bad field. */
export function validateInput(
  model: ModelDescriptor,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(input);
  const validate = validatorFor(model);
  if (validate(copy)) return copy;
  const invalidFields = (validate.errors ?? []).map(toInvalidField);
  const detail = invalidFields.map((field) => `- ${field.field}: ${field.description}`).join("\n");
  throw new GatewayError("invalid_input", `Input validation failed\n${detail}`, { invalidFields });
}
