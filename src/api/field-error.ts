/** A refusal about a value the client sent, reworded to name the field that held it. */
import { GatewayError } from "../core/errors.ts";

/** `error` naming `field` when it is the client's fault (a 4xx); other errors pass unchanged. */
export function inField(error: unknown, field: string): GatewayError {
  const failure = GatewayError.from(error);
  if (failure.status >= 500) return failure;
  const description = failure.message;
  return new GatewayError(failure.code, `${field}: ${description}`, {
    invalidFields: [{ type: "input", field, description }],
  });
}
