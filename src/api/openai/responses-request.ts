/**
 * The body of `POST /responses`, read into the chat request gengate runs (so the same model
 * planning, refusals and dropped-parameter rules apply) plus what the answer echoes back. Function
 * tools, `tool_choice` and `text.format` are translated to their chat-completions spelling and
 * checked there (errors and dropped parameters still name them as the client spelled them); what
 * needs state gengate does not keep (`previous_response_id`, `conversation`, `background`,
 * stored prompts) is refused, and so are tools gengate cannot answer calls of (OpenAI's hosted
 * tools, custom tools).
 */
import { z } from "zod";
import { type ChatRequest, formatSchema, jsonSchemaFields, type ReliedParams } from "./chat-request.ts";
import { checkParameters, checkTools, type ToolParams } from "./chat-tools.ts";
import { issueError, unsupportedParam } from "./openai-error.ts";
import { conversationOf } from "./responses-input.ts";

const textFormatSchema = formatSchema("format", jsonSchemaFields);

const toolSchema = z.looseObject({ type: z.string({ error: "each tool needs a type" }) });

/** A Responses function tool: its fields sit beside `type`, not under `function` as in chat. */
const functionToolSchema = z.looseObject({
  name: z.string({ error: "name is required" }),
  description: z.string().nullish(),
  parameters: z
    .record(z.string(), z.unknown(), { error: "parameters must be a JSON Schema object" })
    .nullish(),
  strict: z.boolean().nullish(),
});

const bodySchema = z.looseObject({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  input: z.union([z.string(), z.array(z.unknown())], {
    error: "input is required: a string or a list of input items",
  }),
  instructions: z.string().nullish(),
  max_output_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(toolSchema, { error: "tools must be an array" }).nullish(),
  tool_choice: z
    .union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string() })], {
      error: 'tool_choice must be "none", "auto", "required" or an object naming a tool',
    })
    .nullish(),
  text: z.looseObject({ format: textFormatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  include: z.array(z.string(), { error: "include must be an array of strings" }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  user: z.string().nullish(),
  moderation: z.looseObject({}).nullish(),
});

/** Needs state gengate does not keep: refused. */
const STATEFUL = {
  previous_response_id: "gengate keeps no responses: send the whole conversation in input",
  conversation: "gengate keeps no conversations: send the whole conversation in input",
  background:
    "background responses are not supported; the Replicate-compatible /v1/predictions runs work on after the request",
  prompt: "stored prompt templates are not supported: send the instructions and input themselves",
} as const;

/** About OpenAI's service rather than the answer: named in x-gengate-dropped-params when sent. */
const SERVICE_ONLY = [
  "store",
  "metadata",
  "user",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "service_tier",
  "parallel_tool_calls",
  "stream_options",
  "context_management",
  "max_tool_calls",
] as const;

/** Asks for log probabilities, which gengate does not answer here; other `include` values add to items it never makes. */
const LOGPROBS = "message.output_text.logprobs";

/** Chat completions' names for what the Responses API spells otherwise. */
const PARAM_NAMES = {
  response_format: "text.format",
  max_tokens: "max_output_tokens",
  reasoning_effort: "reasoning.effort",
  verbosity: "text.verbosity",
};

type Body = z.infer<typeof bodySchema>;

/** What a Responses answer says back of its request. */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  metadata: Record<string, string>;
  text: { format: unknown };
  user?: string;
}

export interface ResponsesRequest {
  chat: ChatRequest;
  echo: ResponseEcho;
}

const KNOWN = new Set<string>([...Object.keys(bodySchema.shape), ...Object.keys(STATEFUL), ...SERVICE_ONLY]);
const present = (value: unknown) => value !== undefined && value !== null;
/** The fields that were given a value. */
const given = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => present(value)));

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw issueError(parsed.error.issues[0]);
  const { data } = parsed;
  const raw = data as Record<string, unknown>;
  for (const [param, why] of Object.entries(STATEFUL)) {
    if (present(raw[param]) && raw[param] !== false) throw unsupportedParam(param, `'${param}': ${why}`);
  }
  const toolParams = chatTools(data);
  checkTools(toolParams);
  const format = data.text?.format;
  if (format?.type === "json_schema") checkParameters(format.schema, "text.format.schema");
  const include = data.include ?? [];
  if (include.includes(LOGPROBS))
    throw unsupportedParam("include", `'include' of '${LOGPROBS}': log probabilities are not supported`);

  const sampling: Record<string, unknown> = {
    max_tokens: data.max_output_tokens,
    temperature: data.temperature,
    top_p: data.top_p,
    reasoning_effort: data.reasoning?.effort,
    verbosity: data.text?.verbosity,
  };
  for (const [name, value] of Object.entries(raw)) if (!KNOWN.has(name)) sampling[name] = value;
  const relied: ReliedParams = {
    ...toolParams,
    response_format: chatFormat(format),
    top_logprobs: data.top_logprobs || undefined,
    moderation: data.moderation,
  };
  const serviceOnly: string[] = SERVICE_ONLY.filter((name) => present(raw[name]));
  if (include.length > 0) serviceOnly.push("include");
  if (present(data.reasoning?.summary)) serviceOnly.push("reasoning.summary");
  if (data.truncation === "auto") serviceOnly.push("truncation");
  const { messages, openAiMessages, toolItem } = conversationOf(data.input, data.instructions ?? undefined);
  return {
    chat: {
      model: data.model,
      messages,
      openAiMessages,
      ...(toolItem && { toolItem }),
      // Log probabilities would need the output text's `logprobs`, which gengate does not fill yet.
      answers: { toolCalls: true, logprobs: false },
      paramNames: PARAM_NAMES,
      stream: data.stream === true,
      includeUsage: false,
      sampling: given(sampling),
      stop: [],
      relied,
      serviceOnly,
    },
    echo: echoOf(data),
  };
}

function echoOf(data: Body): ResponseEcho {
  return {
    instructions: data.instructions ?? null,
    max_output_tokens: data.max_output_tokens ?? null,
    temperature: data.temperature ?? null,
    top_p: data.top_p ?? null,
    tools: data.tools ?? [],
    tool_choice: data.tool_choice ?? "auto",
    parallel_tool_calls: data.parallel_tool_calls ?? true,
    metadata: data.metadata ?? {},
    text: { format: data.text?.format ?? { type: "text" } },
    ...(data.user != null && { user: data.user }),
  };
}

/** Responses tools in chat-completions form; OpenAI's hosted tools (web search, files…) exist nowhere here. */
function chatTools(data: Body): Pick<ToolParams, "tools" | "tool_choice"> {
  const tools = data.tools?.map((tool, index) => {
    const param = `tools[${index}]`;
    if (tool.type === "function") {
      const fn = functionToolSchema.safeParse(tool);
      if (!fn.success) {
        const issue = fn.error.issues[0];
        throw issueError(issue && { ...issue, path: ["tools", index, ...issue.path] });
      }
      const { name, description, parameters, strict } = fn.data;
      checkParameters(parameters, `${param}.parameters`);
      return { type: "function" as const, function: { name, ...given({ description, parameters, strict }) } };
    }
    throw unsupportedParam(
      param,
      tool.type === "custom"
        ? `'${param}': custom tools are not available through gengate's Responses API; use function tools`
        : `'${param}': OpenAI's hosted tool '${tool.type}' is not available through gengate`,
    );
  });
  const choice = data.tool_choice;
  if (typeof choice !== "object" || choice === null) return { tools, tool_choice: choice };
  const named = (tool: Record<string, unknown>) =>
    tool.type === "custom"
      ? { type: "custom", custom: { name: tool.name } }
      : { type: "function", function: { name: tool.name } };
  if (choice.type === "function" || choice.type === "custom")
    return { tools, tool_choice: named(choice) as ToolParams["tool_choice"] };
  if (choice.type === "allowed_tools" && Array.isArray(choice.tools)) {
    const allowed = { mode: choice.mode, tools: choice.tools.map(named) };
    return {
      tools,
      tool_choice: { type: "allowed_tools", allowed_tools: allowed } as ToolParams["tool_choice"],
    };
  }
  throw unsupportedParam(
    "tool_choice",
    `'tool_choice': OpenAI's hosted tool '${choice.type}' is not available through gengate`,
  );
}

function chatFormat(
  format: z.infer<typeof textFormatSchema> | null | undefined,
): ReliedParams["response_format"] {
  if (format?.type !== "json_schema") return format ?? undefined;
  const { name, description, schema, strict } = format;
  return { type: "json_schema", json_schema: { name, ...given({ description, schema, strict }) } };
}
