/** Reading create-request bodies: JSON objects, with the webhook fields checked. */
import type { Context } from "hono";
import type { FakeEnv } from "./context.ts";
import { type InvalidField, validationProblem } from "./input-validation.ts";
import { badRequest } from "./problem.ts";
import type { WebhookEvent } from "./types.ts";

const EVENTS: readonly WebhookEvent[] = ["start", "output", "logs", "completed"];
/** "whenever there are new outputs or the prediction has finished". */
const DEFAULT_EVENTS: WebhookEvent[] = ["output", "completed"];

export async function jsonBody(c: Context<FakeEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest("Invalid JSON", `Failed to parse request body as JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("Invalid request body", "The request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

export function webhookFields(body: Record<string, unknown>): {
  webhook: string | null;
  webhookEventsFilter: WebhookEvent[];
} {
  const { webhook = null, webhook_events_filter: filter = DEFAULT_EVENTS } = body;
  const invalid: InvalidField[] = [];
  if (
    webhook !== null &&
    (typeof webhook !== "string" || !/^https?:\/\//.test(webhook) || !URL.canParse(webhook))
  ) {
    invalid.push({ type: "format", field: "webhook", description: "Does not match format 'uri'" });
  }
  const events = Array.isArray(filter) ? filter : [filter];
  if (events.some((event) => !EVENTS.includes(event))) {
    invalid.push({
      type: "enum",
      field: "webhook_events_filter",
      description: `webhook_events_filter items must be one of the following: ${EVENTS.map((e) => `"${e}"`).join(", ")}`,
    });
  }
  if (invalid.length > 0) throw validationProblem(invalid);
  return { webhook: webhook as string | null, webhookEventsFilter: [...new Set(events as WebhookEvent[])] };
}

/** For faults: the connection goes away without an answer. */
export function destroyConnection(c: Context<FakeEnv>): Response {
  c.set("connectionDestroyed", true);
  c.env.incoming.socket.destroy();
  return c.body(null, 500);
}
