/** An upstream's answer checked against its zod schema: a shape it should never send is a provider error, not a crash. */
import type { z } from "zod";
import { GatewayError } from "../../core/errors.ts";

/** `body` as `schema` says, or a 502 naming `upstream`, what gengate was doing, and where the shape differs. */
export function parseAnswer<T extends z.ZodType>(
  upstream: string,
  schema: T,
  body: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
  throw new GatewayError(
    "provider_error",
    `${upstream} answered in an unexpected shape while ${what}: ${issue?.message ?? "invalid"}${where}`,
    { retryable: false },
  );
}

/** The JSON of an answer's text, or undefined when it is none (for `parseAnswer` to name). */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
