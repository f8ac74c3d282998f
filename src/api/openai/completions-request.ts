/**
 * The body of the legacy `POST /completions`, read into the chat request gengate runs with its
 * prompt given as it is (`rawPrompt`: no chat template), `n` choices each a prediction of its own.
 * What the model cannot do is refused (several prompts, token ids, `suffix`, `best_of` above `n`,
 * log probabilities) or, when it only tunes sampling, dropped and named, as for chat.
 */
import { z } from "zod";
import { type ChatRequest, SAMPLING, samplingShape } from "./chat-request.ts";
import { MAX_N, nMessage } from "./choices.ts";
import { issueError, paramError, unsupportedParam } from "./openai-error.ts";

/** OpenAI's default for this endpoint (chat has none). */
const DEFAULT_MAX_TOKENS = 16;

const bodySchema = z.looseObject({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  prompt: z.union([z.string(), z.array(z.unknown())], {
    error: "prompt is required: a string or an array of strings",
  }),
  max_tokens: z.int().positive().nullish(),
  ...samplingShape,
  n: z.int().min(1).max(MAX_N, nMessage).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  echo: z.boolean().nullish(),
  logprobs: z.int().min(0).max(5).nullish(),
  suffix: z.string().nullish(),
  best_of: z.int().min(0).max(20).nullish(),
  user: z.string().nullish(),
});

export interface CompletionsRequest {
  chat: ChatRequest;
  /** The prompt, sent back before the answer. */
  echo: string | undefined;
}

const KNOWN = new Set(Object.keys(bodySchema.shape));
const present = (value: unknown) => value !== undefined && value !== null;

export function parseCompletionsRequest(body: unknown): CompletionsRequest {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw issueError(parsed.error.issues[0]);
  const { data } = parsed;
  const prompt = promptOf(data.prompt);
  if (present(data.suffix))
    throw unsupportedParam(
      "suffix",
      "'suffix': text insertion is not supported, only completion of the prompt",
    );
  const n = data.n ?? 1;
  // best_of candidates, of which the n most likely are answered: with as many candidates as choices, all are.
  if (present(data.best_of) && data.best_of < n)
    throw paramError("best_of", "Invalid 'best_of': must be at least n");
  if ((data.best_of ?? n) > n)
    throw unsupportedParam(
      "best_of",
      "'best_of' above n: gengate answers every candidate it makes, it does not rank them",
    );

  const sampling: Record<string, unknown> = { max_tokens: data.max_tokens ?? DEFAULT_MAX_TOKENS };
  for (const name of SAMPLING) sampling[name] = data[name];
  for (const [name, value] of Object.entries(data)) if (!KNOWN.has(name)) sampling[name] = value;
  return {
    chat: {
      model: data.model,
      messages: [{ role: "user", content: prompt }],
      rawPrompt: prompt,
      n,
      stream: data.stream === true,
      includeUsage: data.stream_options?.include_usage === true,
      sampling: Object.fromEntries(Object.entries(sampling).filter(([, value]) => present(value))),
      stop: (typeof data.stop === "string" ? [data.stop] : (data.stop ?? [])).filter((s) => s !== ""),
      relied: { logprobs: present(data.logprobs) },
      serviceOnly: present(data.user) ? ["user"] : [],
    },
    echo: data.echo === true ? prompt : undefined,
  };
}

/** One prompt of text: several prompts would each need their own choice, and token ids a tokenizer. */
function promptOf(prompt: string | unknown[]): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.length !== 1)
    throw unsupportedParam("prompt", "'prompt': one prompt per request is supported, not a batch of them");
  const [only] = prompt;
  if (typeof only !== "string")
    throw paramError(
      "prompt",
      "'prompt': token ids are not supported; send the prompt as text",
      "unsupported_value",
    );
  return only;
}
