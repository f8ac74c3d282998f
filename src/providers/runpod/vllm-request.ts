/**
 * A text prediction as worker-vllm's native input (runpod/docs serverless/vllm/vllm-requests.mdx;
 * runpod-workers/worker-vllm src/utils.py `JobInput`):
 *
 *   { messages | prompt, sampling_params: { max_tokens, temperature, top_p, stop, seed }, stream: true }
 *
 * `messages` get the model's chat template applied by the worker; a `prompt` is continued as it is.
 * Every job streams, since gengate reads its tokens from `/stream` as they come.
 */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";

const inputSchema = z.looseObject({
  messages: z.array(z.looseObject({ role: z.string(), content: z.string() })).optional(),
  prompt: z.string().optional(),
  max_tokens: z.int().positive().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  seed: z.int().optional(),
});

export function vllmInput(input: Record<string, unknown>): Record<string, unknown> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayError("invalid_input", `input.${issue?.path.join(".")}: ${issue?.message}`);
  }
  const { messages, prompt, max_tokens, temperature, top_p, stop, seed } = parsed.data;
  if (messages === undefined && prompt === undefined)
    throw new GatewayError("invalid_input", "input.messages or input.prompt is required");
  const sampling = Object.entries({ max_tokens, temperature, top_p, stop, seed }).filter(
    ([, value]) => value !== undefined,
  );
  return {
    ...(messages !== undefined ? { messages } : { prompt }),
    sampling_params: Object.fromEntries(sampling),
    stream: true,
  };
}
