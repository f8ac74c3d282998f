/** Reads a Server-Sent Events response to its end (or until `until` says stop), as parsed events. */
import { EventSourceParserStream } from "eventsource-parser/stream";

export interface SseEvent {
  event: string;
  data: string;
}

export async function readSse(
  response: Response,
  until: (event: SseEvent) => boolean = () => false,
): Promise<SseEvent[]> {
  if (!response.body) throw new Error(`no event stream (HTTP ${response.status})`);
  const events: SseEvent[] = [];
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      const event = { event: value.event ?? "message", data: value.data };
      events.push(event);
      if (until(event)) return events;
    }
  } finally {
    await reader.cancel();
  }
}
