/**
 * Integers a model takes stay within ±(2^53 − 1): beyond, JSON numbers lose digits on the way
 * (a seed of 2^53 + 1 arrives as 2^53) and providers refuse them once the prediction runs.
 * Every `integer` in a schema gets those bounds, unless it has tighter ones.
 */
type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === "object" && value !== null;

function takesIntegers(schema: Schema): boolean {
  const { type } = schema;
  return type === "integer" || (Array.isArray(type) && type.includes("integer"));
}

function bounded(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (typeof out.maximum !== "number" || out.maximum > Number.MAX_SAFE_INTEGER)
    out.maximum = Number.MAX_SAFE_INTEGER;
  if (typeof out.minimum !== "number" || out.minimum < Number.MIN_SAFE_INTEGER)
    out.minimum = Number.MIN_SAFE_INTEGER;
  return out;
}

/** A copy of a JSON Schema whose integers are bounded to the safe range; the original is untouched. */
export function withSafeIntegers<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withSafeIntegers) as T;
  if (!isObject(schema)) return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = withSafeIntegers(value);
  return (takesIntegers(copy) ? bounded(copy) : copy) as T;
}
