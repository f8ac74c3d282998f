/** Server-Sent Events as Replicate streams them: `output`, `logs`, `error`, `done` (replicate.md §4.4). */
import { GatewayError } from "../../core/errors.ts";
import type { StreamPart } from "../provider.ts";

export interface SseEvent {
  event: string;
  data: string;
}

/** Incremental parser: feed it text as it arrives, get the events completed so far. */
export class SseParser {
  #buffer = "";
  #event = "";
  #data: string[] = [];

  push(text: string): SseEvent[] {
    const all = this.#buffer + text;
    // A trailing "\r" may be the first half of "\r\n": it waits for the next chunk.
    const held = all.endsWith("\r") ? "\r" : "";
    const lines = all.slice(0, all.length - held.length).split(/\r\n|\r|\n/);
    // The last piece is an incomplete line.
    this.#buffer = (lines.pop() ?? "") + held;
    const events: SseEvent[] = [];
    for (const line of lines) {
      if (line === "") {
        if (this.#data.length > 0)
          events.push({ event: this.#event || "message", data: this.#data.join("\n") });
        this.#event = "";
        this.#data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") this.#event = value;
      else if (field === "data") this.#data.push(value);
    }
    return events;
  }
}

/** What an SSE event means for the engine: a stream event, the end, or an error. */
export function interpret(event: SseEvent): StreamPart | "done" | null {
  switch (event.event) {
    case "output":
      return { type: "output", data: event.data };
    case "logs":
      return { type: "logs", data: event.data };
    case "done":
      return "done";
    case "error":
      throw new GatewayError("provider_error", `Replicate stream failed: ${errorDetail(event.data)}`);
    default:
      return null;
  }
}

function errorDetail(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === "object" && parsed !== null && "detail" in parsed) return String(parsed.detail);
  } catch {
    // plain text
  }
  return data;
}

/** A `done` event's `{"reason":"canceled"}`: the stream ended without the model finishing. */
function canceled(data: string): boolean {
  try {
    return (JSON.parse(data) as { reason?: unknown } | null)?.reason === "canceled";
  } catch {
    return false;
  }
}

export async function* readStream(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", "cache-control": "no-store", ...headers },
    ...(signal && { signal }),
  }).catch((cause: unknown) => {
    throw new GatewayError("provider_error", `could not connect to Replicate's stream: ${String(cause)}`, {
      cause,
    });
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new GatewayError("provider_error", `Replicate's stream answered ${response.status}`);
  }
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
      const meaning = interpret(event);
      if (meaning === "done") {
        // Replicate's stream says neither why the model stopped nor its token counts (its status does).
        if (!canceled(event.data)) yield { type: "finish", finishReason: "unknown", usage: {} };
        return;
      }
      if (meaning) yield meaning;
    }
  }
}
