/**
 * The message in a FAILED job's `error`: a raise in the handler arrives as a JSON string
 * `{error_type, error_message, error_traceback, …}`, a returned `{"error": …}` as that value
 * (reference A.8).
 */
const MAX_MESSAGE = 1_000;
const MAX_TRACEBACK = 4_000;

export interface WorkerError {
  message: string;
  traceback: string | undefined;
}

/** `redact` cleans text from the worker before it is shown. */
export function workerError(error: unknown, redact: (text: string) => string = (text) => text): WorkerError {
  const clip = (text: string, max: number) => {
    const clean = redact(text.trim());
    return clean.length > max ? `${clean.slice(0, max)}…` : clean;
  };
  const value = typeof error === "string" ? parseJson(error) : error;
  if (value === undefined || value === null || value === "")
    return { message: "the worker failed without a message", traceback: undefined };
  if (typeof value === "string") return { message: clip(value, MAX_MESSAGE), traceback: undefined };
  if (typeof value === "object" && "error_message" in value) {
    const { error_message, error_traceback } = value as { error_message: unknown; error_traceback?: unknown };
    return {
      message: clip(String(error_message), MAX_MESSAGE),
      traceback:
        typeof error_traceback === "string" ? `${clip(error_traceback, MAX_TRACEBACK)}\n` : undefined,
    };
  }
  return { message: clip(JSON.stringify(value), MAX_MESSAGE), traceback: undefined };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
