/** The body of `POST /chat/completions`, checked the way OpenAI does: a 400 naming the bad `param`. */
import { z } from "zod";
import type { ChatMessage } from "../../catalog/prompt-templates.ts";
import { GatewayError } from "../../core/errors.ts";

const textPart = z.looseObject({
  type: z.literal("text", { error: 'only parts of type "text" are supported' }),
  text: z.string(),
});

const messageSchema = z.looseObject({
  role: z.enum(["system", "user", "assistant"], { error: "role must be system, user or assistant" }),
  content: z.union([z.string(), z.array(textPart)], {
    error: 'content must be a string or an array of { type: "text", text } parts',
  }),
});

const bodySchema = z.looseObject({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  messages: z
    .array(messageSchema, { error: "messages must be an array" })
    .min(1, "messages must have at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.int().nullish(),
  n: z.literal(1, { error: "only n = 1 is supported" }).nullish(),
});

/** The sampling parameters, under the names gengate's catalog normalises to. */
export interface Sampling {
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  sampling: Sampling;
  stop: string[];
}

export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw badParam(parsed.error.issues[0]);
  const { data } = parsed;
  const sampling = {
    max_tokens: data.max_completion_tokens ?? data.max_tokens,
    temperature: data.temperature,
    top_p: data.top_p,
    seed: data.seed,
  };
  return {
    model: data.model,
    messages: data.messages.map(({ role, content }) => ({
      role,
      content: typeof content === "string" ? content : content.map((part) => part.text).join("\n"),
    })),
    stream: data.stream === true,
    includeUsage: data.stream_options?.include_usage === true,
    sampling: Object.fromEntries(Object.entries(sampling).filter(([, value]) => value != null)),
    stop: (typeof data.stop === "string" ? [data.stop] : (data.stop ?? [])).filter((s) => s !== ""),
  };
}

function badParam(issue: z.core.$ZodIssue | undefined): GatewayError {
  const param = paramOf(issue?.path ?? []) || "body";
  const description = issue?.message ?? "is not valid";
  return new GatewayError("bad_request", `Invalid '${param}': ${description}`, {
    invalidFields: [{ type: issue?.code ?? "invalid", field: param, description }],
  });
}

/** OpenAI's spelling of a path: `messages[0].content`. */
function paramOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index > 0 ? "." : ""}${String(key)}`))
    .join("");
}
