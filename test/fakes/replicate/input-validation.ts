/**
 * Checks inputs against a version's Cog schema (`Input` or `TrainingInput`) and reports failures
 * the way Replicate does: a 422 with one `- field: description` line per problem and
 * `invalid_fields` (reference/replicate.md §6.1).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import type { VersionRecord } from "./catalog.ts";
import { ApiProblem } from "./problem.ts";

export interface InvalidField {
  type: string;
  field: string;
  description: string;
}

export type SchemaName = "Input" | "TrainingInput";

const jsonType = (value: unknown) =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : Number.isInteger(value)
        ? "integer"
        : typeof value;

function invalidField(error: ErrorObject, input: Record<string, unknown>): InvalidField {
  const path = error.instancePath.split("/").filter(Boolean);
  const field = ["input", ...path].join(".");
  const params = error.params as Record<string, unknown>;
  const value = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], input);
  switch (error.keyword) {
    case "required":
      return { type: "required", field, description: `${String(params.missingProperty)} is required` };
    case "type":
      return {
        type: "invalid_type",
        field,
        description: `Invalid type. Expected: ${String(params.type)}, given: ${jsonType(value)}`,
      };
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((choice) => JSON.stringify(choice)).join(", ");
      return { type: "enum", field, description: `${path.at(-1)} must be one of the following: ${allowed}` };
    }
    case "minimum":
      return { type: "number_gte", field, description: `Must be greater than or equal to ${params.limit}` };
    case "maximum":
      return { type: "number_lte", field, description: `Must be less than or equal to ${params.limit}` };
    case "multipleOf":
      return { type: "multiple_of", field, description: `Must be a multiple of ${params.multipleOf}` };
    case "format":
      return { type: "format", field, description: `Does not match format '${params.format}'` };
    default:
      return { type: error.keyword, field, description: error.message ?? "is invalid" };
  }
}

export function validationProblem(fields: InvalidField[]): ApiProblem {
  return new ApiProblem(422, {
    title: "Input validation failed",
    detail: fields.map(({ field, description }) => `- ${field}: ${description}\n`).join(""),
    invalid_fields: fields,
  });
}

export class InputValidator {
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #compiled = new WeakMap<object, { id: string; validators: Map<SchemaName, ValidateFunction> }>();
  #added = 0;

  constructor() {
    // ajv-formats is CommonJS: under ESM its function is the `default` property of the module.
    ajvFormats.default(this.#ajv);
  }

  /** Whether the version's schema has `name` (only trainable versions have `TrainingInput`). */
  has(version: VersionRecord, name: SchemaName): boolean {
    return this.#schemas(version)[name] !== undefined;
  }

  /** The input with the schema's defaults filled in. */
  withDefaults(
    version: VersionRecord,
    name: SchemaName,
    input: Record<string, unknown>,
  ): Record<string, unknown> {
    const properties = (this.#schemas(version)[name]?.properties ?? {}) as Record<
      string,
      { default?: unknown }
    >;
    const defaults = Object.entries(properties).filter(([, property]) => property.default !== undefined);
    return { ...Object.fromEntries(defaults.map(([key, property]) => [key, property.default])), ...input };
  }

  /** Throws the 422 problem when `input` does not match. */
  check(version: VersionRecord, name: SchemaName, input: unknown): asserts input is Record<string, unknown> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
      throw validationProblem([
        {
          type: "invalid_type",
          field: "input",
          description: `Invalid type. Expected: object, given: ${jsonType(input ?? null)}`,
        },
      ]);
    }
    const validate = this.#validator(version, name);
    if (validate(input)) return;
    const record = input as Record<string, unknown>;
    throw validationProblem((validate.errors ?? []).map((error) => invalidField(error, record)));
  }

  #schemas(version: VersionRecord): Record<string, { properties?: unknown } | undefined> {
    const components = version.openapiSchema.components as {
      schemas: Record<string, { properties?: unknown }>;
    };
    return components.schemas;
  }

  #validator(version: VersionRecord, name: SchemaName): ValidateFunction {
    // Keyed by schema object: trained versions share one schema.
    let compiled = this.#compiled.get(version.openapiSchema);
    if (!compiled) {
      compiled = {
        id: `https://fake-replicate.invalid/schemas/${this.#added++}.json`,
        validators: new Map(),
      };
      this.#ajv.addSchema(version.openapiSchema, compiled.id);
      this.#compiled.set(version.openapiSchema, compiled);
    }
    let validate = compiled.validators.get(name);
    if (!validate) {
      validate = this.#ajv.getSchema(`${compiled.id}#/components/schemas/${name}`);
      if (!validate) throw new Error(`version ${version.id} has no ${name} schema`);
      compiled.validators.set(name, validate);
    }
    return validate;
  }
}
