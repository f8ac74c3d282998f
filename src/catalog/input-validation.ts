/** Checks a prediction's input against the model version's JSON Schema before any money is spent. */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import { GatewayError, type InvalidField } from "../core/errors.ts";
import type { ModelDescriptor } from "../providers/provider.ts";

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false });
// ajv-formats is CommonJS: under ESM its function is the `default` property of the module.
ajvFormats.default(ajv);

/** Compiled validators by schema text: the same version id may first be seen without its schema. */
const compiled = new Map<string, ValidateFunction>();

function validatorFor(model: ModelDescriptor): ValidateFunction {
  const key = JSON.stringify(model.inputSchema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(model.inputSchema);
    compiled.set(key, validate);
  }
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
  const allowed = error.keyword === "enum" ? `: ${(error.params.allowedValues as unknown[]).join(", ")}` : "";
  return {
    type: error.keyword,
    field,
    description: `${path || "input"} ${error.message ?? "is invalid"}${allowed}`,
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
