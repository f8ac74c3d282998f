/**
 * OpenAI's tool parameters (`tools`, `tool_choice` and the older `functions`, `function_call`),
 * checked before anything else: a tool whose parameters are not a valid JSON Schema, or a choice
 * that names no tool, is a 400 naming the param, whether or not the model could call tools.
 */
import { z } from "zod";
import { lazyAjv } from "../../core/lazy-ajv.ts";
import { paramError } from "./openai-error.ts";

const ajv = lazyAjv({ strict: false, validateSchema: true });

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const nameSchema = z
  .string({ error: "name is required" })
  .regex(NAME, "name must be 1 to 64 letters, digits, underscores or dashes");

const functionSchema = z.looseObject({
  name: nameSchema,
  description: z.string().nullish(),
  parameters: z
    .record(z.string(), z.unknown(), { error: "parameters must be a JSON Schema object" })
    .nullish(),
  strict: z.boolean().nullish(),
});

export const toolsSchema = z.array(
  z.discriminatedUnion(
    "type",
    [
      z.looseObject({ type: z.literal("function"), function: functionSchema }),
      z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: nameSchema }) }),
    ],
    { error: 'each tool must be { type: "function", function } or { type: "custom", custom }' },
  ),
  { error: "tools must be an array" },
);

const toolName = z.looseObject({ name: z.string() });

export const toolChoiceSchema = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.looseObject({ type: z.literal("function"), function: toolName }),
    z.looseObject({ type: z.literal("custom"), custom: toolName }),
    z.looseObject({
      type: z.literal("allowed_tools"),
      allowed_tools: z.looseObject({ mode: z.enum(["auto", "required"]), tools: z.array(z.looseObject({})) }),
    }),
  ],
  { error: 'tool_choice must be "none", "auto", "required" or an object naming a tool' },
);

export const functionsSchema = z.array(functionSchema, { error: "functions must be an array" });
export const functionCallSchema = z.union([z.enum(["none", "auto"]), z.looseObject({ name: z.string() })], {
  error: 'function_call must be "none", "auto" or { name }',
});

export interface ToolParams {
  tools?: z.infer<typeof toolsSchema> | null | undefined;
  tool_choice?: z.infer<typeof toolChoiceSchema> | null | undefined;
  functions?: z.infer<typeof functionsSchema> | null | undefined;
  function_call?: z.infer<typeof functionCallSchema> | null | undefined;
}

/** Throws a 400 naming the param when a tool's schema is not valid or a choice names no tool. */
export function checkTools(params: ToolParams): void {
  const { tools, tool_choice: choice, functions, function_call: call } = params;
  tools?.forEach((tool, index) => {
    if (tool.type === "function")
      checkParameters(tool.function.parameters, `tools[${index}].function.parameters`);
  });
  functions?.forEach((fn, index) => {
    checkParameters(fn.parameters, `functions[${index}].parameters`);
  });

  const toolNames = new Set(
    (tools ?? []).map((tool) => (tool.type === "function" ? tool.function : tool.custom).name),
  );
  if (choice != null && choice !== "none" && toolNames.size === 0)
    throw paramError("tool_choice", "tool_choice is only allowed when tools are specified");
  if (typeof choice === "object" && choice !== null) {
    const names = choice.type === "allowed_tools" ? choice.allowed_tools.tools.map(nameIn) : [nameIn(choice)];
    for (const name of names) {
      if (name === undefined || !toolNames.has(name))
        throw paramError("tool_choice", `tool_choice names no tool in tools: '${name ?? "(no name)"}'`);
    }
  }

  const functionNames = new Set((functions ?? []).map((fn) => fn.name));
  if (call != null && call !== "none" && functionNames.size === 0)
    throw paramError("function_call", "function_call is only allowed when functions are specified");
  if (typeof call === "object" && call !== null && !functionNames.has(call.name))
    throw paramError("function_call", `function_call names no function in functions: '${call.name}'`);
}

/** The name a tool choice (or an allowed tool) gives: `{ type, function: { name } }` or `{ type, custom: { name } }`. */
function nameIn(tool: Record<string, unknown>): string | undefined {
  const inner = tool[String(tool.type)];
  const name = typeof inner === "object" && inner !== null ? (inner as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : undefined;
}

/** A tool's or a response format's JSON Schema, compiled to find what is wrong with it. */
export function checkParameters(schema: Record<string, unknown> | null | undefined, param: string): void {
  if (schema == null) return;
  try {
    ajv().compile(schema);
  } catch (error) {
    // ajv names the schema "data": "data/type must be…" reads "type must be…".
    const reason = (error as Error).message
      .replace(/^schema is invalid: /, "")
      .replace(/\bdata\//g, "")
      .replace(/\bdata /g, "the schema ");
    throw paramError(param, `Invalid schema for '${param}': ${reason}`);
  } finally {
    // Each request brings its own schemas: none is kept.
    ajv().removeSchema(schema);
  }
}
