/** Reads JSON bodies: malformed JSON is a 400, a body of the wrong shape a 422 naming each field. */
import type { Context } from "hono";
import type { z } from "zod";
import { GatewayError } from "../core/errors.ts";
import { invalidFieldsOf } from "../core/zod-issues.ts";

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GatewayError("bad_request", `Request body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidBody(parsed.error);
}

/** A 422 naming each field zod found wrong in a body. */
export function invalidBody(error: z.ZodError): GatewayError {
  const invalidFields = invalidFieldsOf(error, "body");
  const detail = invalidFields.map((f) => `- ${f.field}: ${f.description}`).join("\n");
  return new GatewayError("invalid_input", `Request body is not valid\n${detail}`, { invalidFields });
}
