/** The `models` and `routing` sections of the configuration file, validated with zod. */
import { z } from "zod";
import { PROMPT_FAMILIES } from "./prompt-templates.ts";

const positive = (what: string) =>
  z.number({ error: `${what} must be a positive number` }).positive(`${what} must be a positive number`);
const count = (what: string) =>
  z.int({ error: `${what} must be a whole number` }).min(0, `${what} must be 0 or more`);

export const capabilitiesSchema = z.strictObject({
  referenceImage: z.boolean().optional(),
  mask: z.boolean().optional(),
  loras: z.boolean().optional(),
  loraBase: z.string().min(1).optional(),
  streaming: z.boolean().optional(),
  /** Honours OpenAI's `response_format` (json_object, json_schema), passed as `response_format`. */
  jsonOutput: z.boolean().optional(),
  maxOutputs: z.int().positive().optional(),
  sizeForm: z.enum(["aspect_ratio", "width_height"]).optional(),
  aspectRatios: z.array(z.string().regex(/^\d+:\d+$/, 'an aspect ratio looks like "4:3"')).optional(),
  sizeMultipleOf: z.int().positive().optional(),
  formats: z.array(z.string()).optional(),
  /** How a chat conversation becomes this text model's prompt (otherwise guessed from the model's name). */
  promptTemplate: z.enum(PROMPT_FAMILIES).optional(),
});

/** A condition on a request field: present (or absent), or equal to a value. */
const conditionSchema = z.strictObject({
  field: z.string().min(1),
  present: z.boolean().optional(),
  equals: z.unknown().optional(),
});

export const targetSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** loadbalance: share of requests sent here first. */
  weight: positive("weight").default(1),
  /** conditional: the target is used only for requests that meet this. */
  when: conditionSchema.optional(),
  capabilities: capabilitiesSchema.default({}),
  params: z.record(z.string(), z.string().nullable()).default({}),
  input: z.record(z.string(), z.unknown()).default({}),
  retries: count("retries").default(0),
});

export const aliasSchema = z.strictObject({
  description: z.string().default(""),
  strategy: z.enum(["fallback", "loadbalance", "conditional"]).default("fallback"),
  /** A parameter a target does not take: move to the next target, or drop it with a warning. */
  onUnsupported: z.enum(["fallback", "drop"]).default("fallback"),
  targets: z.array(targetSchema).min(1, "an alias needs at least one target"),
  /** The alias whose targets are tried when all of these fail. */
  fallback: z.string().optional(),
});

export const routingSchema = z.strictObject({
  circuitBreaker: z
    .strictObject({
      failures: z.int().positive().default(5),
      windowMs: z.int().positive().default(60_000),
      openMs: z.int().positive().default(30_000),
    })
    .default({ failures: 5, windowMs: 60_000, openMs: 30_000 }),
  /** Per provider id: overrides of its rate budget and concurrency. */
  providers: z
    .record(
      z.string(),
      z.strictObject({
        perMinute: positive("perMinute").optional(),
        concurrency: z.int().positive().optional(),
      }),
    )
    .default({}),
});

export const modelsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/), aliasSchema);

export type CapabilitiesInput = z.input<typeof capabilitiesSchema>;
export type AliasConfig = z.infer<typeof aliasSchema>;
export type AliasInput = z.input<typeof aliasSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type RoutingConfig = z.infer<typeof routingSchema>;
