/**
 * The body of `POST /chat/completions`, checked the way OpenAI does: a 400 naming the bad `param`.
 * Every parameter of OpenAI's request lands in one of three places: gengate's own handling
 * (messages, stream, stop…), the tuning parameters passed to a model that takes them and
 * otherwise dropped visibly, and those the client relies on, which `chat-support.ts` refuses for
 * a model that cannot honour them.
 */
import { z } from "zod";
import type { ChatMessage } from "../../catalog/prompt-templates.ts";
import {
  checkParameters,
  checkTools,
  functionCallSchema,
  functionsSchema,
  toolChoiceSchema,
  toolsSchema,
} from "./chat-tools.ts";
import { MAX_N, nMessage } from "./choices.ts";
import { issueError } from "./openai-error.ts";

const textPart = z.looseObject({
  type: z.literal("text", { error: 'only parts of type "text" are supported' }),
  text: z.string(),
});

const contentSchema = z.union([z.string(), z.array(textPart)], {
  error: 'content must be a string or an array of { type: "text", text } parts',
});

const toolCallSchema = z.looseObject({
  id: z.string({ error: "tool call id is required" }),
  type: z.literal("function", { error: 'tool call type must be "function"' }),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const messageSchema = z.discriminatedUnion(
  "role",
  [
    z.looseObject({ role: z.enum(["developer", "system", "user"]), content: contentSchema }),
    z.looseObject({
      role: z.literal("assistant"),
      content: contentSchema.nullish(),
      tool_calls: z.array(toolCallSchema).nullish(),
    }),
    z.looseObject({
      role: z.literal("tool"),
      content: contentSchema,
      tool_call_id: z.string({ error: "tool_call_id is required in a tool message" }),
    }),
  ],
  { error: "role must be developer, system, user, assistant or tool" },
);

type Message = z.infer<typeof messageSchema>;

const textOf = (content: Message["content"]) =>
  typeof content === "string" ? content : (content ?? []).map((part) => part.text).join("\n");

/** Messages only a model that takes tools natively can read: tool results and the calls they answer. */
const needsTools = (message: Message) =>
  message.role === "tool" || (message.role === "assistant" && (message.tool_calls?.length ?? 0) > 0);

const penalty = z.number().min(-2).max(2).nullish();

/** The sampling parameters chat shares with legacy completions. */
export const samplingShape = {
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.int().nullish(),
  presence_penalty: penalty,
  frequency_penalty: penalty,
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
};

export const SAMPLING = Object.keys(samplingShape) as (keyof typeof samplingShape)[];

/** The fields of a `json_schema` output format. */
export const jsonSchemaFields = {
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "name must be 1 to 64 letters, digits, _ or -"),
  description: z.string().nullish(),
  schema: z.record(z.string(), z.unknown(), { error: "schema must be a JSON Schema object" }).nullish(),
  strict: z.boolean().nullish(),
};

/**
 * OpenAI's output formats: `json_schema`'s fields sit under `json_schema` in chat, beside `type`
 * in the Responses API's `text.format`.
 */
export function formatSchema<T extends z.ZodRawShape>(param: string, jsonSchema: T) {
  return z.discriminatedUnion(
    "type",
    [
      z.looseObject({ type: z.literal("text") }),
      z.looseObject({ type: z.literal("json_object") }),
      z.looseObject({ type: z.literal("json_schema"), ...jsonSchema }),
    ],
    { error: `${param} type must be "text", "json_object" or "json_schema"` },
  );
}

const responseFormatSchema = formatSchema("response_format", {
  json_schema: z.looseObject(jsonSchemaFields),
});

/** Parameters that tune the answer: passed to a model whose input takes them, else dropped and named. */
const TUNING = ["max_tokens", ...SAMPLING, "reasoning_effort", "verbosity"] as const;

/**
 * Parameters about OpenAI's service, not the answer (caching, storing, tiers, end-user ids, predicted
 * outputs that only save time): gengate acts on none of them, and says so.
 */
const SERVICE_ONLY = [
  "user",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "metadata",
  "store",
  "service_tier",
  "prediction",
  "parallel_tool_calls",
] as const;

const bodySchema = z.looseObject({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  messages: z
    .array(messageSchema, { error: "messages must be an array" })
    .min(1, "messages must have at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  ...samplingShape,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  reasoning_effort: z.string().nullish(),
  verbosity: z.string().nullish(),
  n: z.int().min(1).max(MAX_N, nMessage).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  response_format: responseFormatSchema.nullish(),
  tools: toolsSchema.nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  functions: functionsSchema.nullish(),
  function_call: functionCallSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  modalities: z.array(z.enum(["text", "audio"])).nullish(),
  audio: z.looseObject({}).nullish(),
  web_search_options: z.looseObject({}).nullish(),
  moderation: z.looseObject({}).nullish(),
});

type Body = z.infer<typeof bodySchema>;

/** The parameters a client relies on, checked against the model in `chat-support.ts`. */
export type ReliedParams = Pick<
  Body,
  | "logprobs"
  | "top_logprobs"
  | "response_format"
  | "tools"
  | "tool_choice"
  | "functions"
  | "function_call"
  | "modalities"
  | "audio"
  | "web_search_options"
  | "moderation"
>;

export interface Answers {
  toolCalls: boolean;
  logprobs: boolean;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /**
   * The conversation as the client sent it (developer role, tool calls and tool results kept),
   * for a model that takes OpenAI's messages natively.
   */
  openAiMessages?: Record<string, unknown>[];
  /** Where the conversation holds a tool call or a tool result (`messages[2]`), which only such a model reads. */
  toolItem?: string;
  /**
   * What the route answers of a model's whole message besides its text: chat completions answers
   * tool calls and log probabilities, the Responses API tool calls.
   */
  answers?: Answers;
  /**
   * The client's own spelling of a parameter, where its route does not spell it as chat
   * completions does (the Responses API's `text.format` for `response_format`), for errors and
   * `x-gengate-dropped-params`.
   */
  paramNames?: Record<string, string>;
  /**
   * A legacy completion's prompt: given as it is, with no chat template, to a model that takes a
   * prompt (`messages` holds it as the one user message, for a model that takes a conversation).
   */
  rawPrompt?: string;
  /** How many choices: that many predictions of the same input (1 unless given). */
  n?: number;
  stream: boolean;
  includeUsage: boolean;
  /**
   * Tuning parameters under the names gengate's catalog normalises to (`max_tokens`…), and any
   * parameter outside OpenAI's request (`top_k`, as vLLM's clients send): each passed to a model
   * that takes it, else dropped.
   */
  sampling: Record<string, unknown>;
  stop: string[];
  relied: ReliedParams;
  /** Parameters gengate never acts on, named in `x-gengate-dropped-params`. */
  serviceOnly: string[];
}

/** Every parameter this file knows, OpenAI's as of the vendored OpenAPI document. */
const KNOWN = new Set(Object.keys(bodySchema.shape));
for (const name of SERVICE_ONLY) KNOWN.add(name);

const present = (value: unknown) => value !== undefined && value !== null;

export function parseChatRequest(body: unknown): ChatRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw issueError(parsed.error.issues[0]);
  const { data } = parsed;
  checkTools(data);
  if (data.response_format?.type === "json_schema")
    checkParameters(data.response_format.json_schema.schema, "response_format.json_schema.schema");

  const sampling: Record<string, unknown> = {};
  for (const name of TUNING) sampling[name] = data[name];
  sampling.max_tokens = data.max_completion_tokens ?? data.max_tokens;
  for (const [name, value] of Object.entries(data)) if (!KNOWN.has(name)) sampling[name] = value;
  const { logprobs, top_logprobs, response_format, tools, tool_choice, functions, function_call } = data;
  const { modalities, audio, web_search_options, moderation } = data;
  const toolMessage = data.messages.findIndex(needsTools);
  return {
    model: data.model,
    messages: data.messages.map(({ role, content }) => ({
      // A developer message is what newer models call the system prompt.
      role: role === "developer" ? "system" : role === "tool" ? "user" : role,
      content: textOf(content),
    })),
    openAiMessages: data.messages,
    answers: { toolCalls: true, logprobs: true },
    ...(toolMessage >= 0 && { toolItem: `messages[${toolMessage}]` }),
    n: data.n ?? 1,
    stream: data.stream === true,
    includeUsage: data.stream_options?.include_usage === true,
    sampling: Object.fromEntries(Object.entries(sampling).filter(([, value]) => present(value))),
    stop: (typeof data.stop === "string" ? [data.stop] : (data.stop ?? [])).filter((s) => s !== ""),
    relied: {
      logprobs,
      top_logprobs,
      response_format,
      tools,
      tool_choice,
      functions,
      function_call,
      modalities,
      audio,
      web_search_options,
      moderation,
    },
    serviceOnly: SERVICE_ONLY.filter((name) => present((data as Record<string, unknown>)[name])),
  };
}
