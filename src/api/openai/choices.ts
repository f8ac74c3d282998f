/**
 * `n` > 1 in OpenAI's requests: each choice a prediction of its own (queued, rate limited, billed
 * and recorded like any other), side by side; only a model that makes several images a request is
 * asked for them at once. Text and images stop at the same bound, below OpenAI's 128: each choice
 * is paid for.
 */
import { type ChatEnd, type ChatRun, runChat } from "./chat-run.ts";

export const MAX_N = 10;

export const nMessage = `n must be at most ${MAX_N}`;

/**
 * `n` submissions side by side. When one is refused (a budget, a rate limit), those made are
 * abandoned (canceled) and the refusal thrown: a request never goes on with fewer than it asked.
 */
export async function submitEach<T>(
  n: number,
  submit: (index: number) => Promise<T>,
  abandon: (made: T) => void,
): Promise<[T, ...T[]]> {
  const submitted = await Promise.allSettled(Array.from({ length: n }, (_, index) => submit(index)));
  const refused = submitted.find((result) => result.status === "rejected");
  const [first, ...rest] = submitted.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  if (refused || !first) {
    for (const made of first ? [first, ...rest] : []) abandon(made);
    throw refused?.reason ?? new Error("n must be at least 1");
  }
  return [first, ...rest];
}

/**
 * The input of choice `index`. With a seed, each choice has its own (the seed plus its index), so
 * the choices differ, as OpenAI's do, and the same request still answers the same.
 */
export function choiceInput(
  input: Record<string, unknown>,
  index: number,
  seedField = "seed",
): Record<string, unknown> {
  const seed = input[seedField];
  return index > 0 && typeof seed === "number" ? { ...input, [seedField]: seed + index } : input;
}

export type Finished = Extract<ChatEnd, { ended: "finished" }>;

export type ChoicesEnd =
  | { ended: "finished"; ends: Finished[] }
  | { ended: "failed"; run: ChatRun; message: string }
  | { ended: "aborted" };

/**
 * Runs each choice to its answer, `onText` and `onFinished` told which (its index). The first that
 * fails ends them all: the others still running are canceled, and the request answers the error,
 * never fewer choices than asked.
 */
export async function runChoices(
  runs: ChatRun[],
  signal: AbortSignal,
  onText: (index: number, text: string) => Promise<void>,
  onFinished: (index: number, end: Finished) => Promise<void> = async () => {},
): Promise<ChoicesEnd> {
  const others = new AbortController();
  const stopped = AbortSignal.any([signal, others.signal]);
  let failure: { run: ChatRun; message: string } | undefined;
  const ends = await Promise.all(
    runs.map(async (run, index) => {
      try {
        const end = await runChat(run, stopped, (text) => onText(index, text));
        if (end.ended === "failed") {
          failure ??= { run, message: end.message };
          others.abort();
        } else if (end.ended === "finished") await onFinished(index, end);
        return end;
      } catch (error) {
        others.abort();
        throw error;
      }
    }),
  );
  if (signal.aborted) return { ended: "aborted" };
  if (failure) return { ended: "failed", ...failure };
  return { ended: "finished", ends: ends.filter((end) => end.ended === "finished") };
}
