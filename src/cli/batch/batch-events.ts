/** Follows GET /v1/batches/{id}/events until `done`, reconnecting for a while when the stream drops. */
import { setTimeout as sleep } from "node:timers/promises";
import { EventSourceParserStream } from "eventsource-parser/stream";
import { type ApiClient, HttpError } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import type { BatchItemJson, BatchProgressJson, BatchSummaryJson } from "./batch-json.ts";

const RECONNECT_FOR_MS = 10_000;
const RECONNECT_EVERY_MS = 500;

export interface BatchEventHandlers {
  progress(progress: BatchProgressJson): void;
  item(item: BatchItemJson): void;
}

/** Resolves with the `done` event's batch; fails once no connection has held for `reconnectForMs`. */
export async function followBatchEvents(
  client: ApiClient,
  eventsUrl: string,
  handlers: BatchEventHandlers,
  reconnectForMs = RECONNECT_FOR_MS,
): Promise<BatchSummaryJson> {
  let lostSince: number | undefined;
  const heard = () => {
    lostSince = undefined;
  };
  for (;;) {
    let cause: string;
    try {
      const response = await client.send("GET", eventsUrl, { headers: { accept: "text/event-stream" } });
      const done = await readEvents(response, handlers, heard);
      if (done) return done;
      cause = "the event stream ended before the batch was done";
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      cause = (error as Error).message;
    }
    lostSince ??= Date.now();
    if (Date.now() - lostSince >= reconnectForMs) {
      throw new CliError(
        `lost the connection to gengate (${cause}). The batch keeps running on the server: ` +
          "rerun the same command to resume it; files already saved are kept",
      );
    }
    await sleep(RECONNECT_EVERY_MS);
  }
}

async function readEvents(
  response: Response,
  handlers: BatchEventHandlers,
  heard: () => void,
): Promise<BatchSummaryJson | undefined> {
  if (!response.body) return undefined;
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  for (;;) {
    const { done, value: event } = await reader.read();
    if (done) return undefined;
    heard();
    if (event.event === "progress") handlers.progress(JSON.parse(event.data) as BatchProgressJson);
    else if (event.event === "item") handlers.item(JSON.parse(event.data) as BatchItemJson);
    else if (event.event === "done") {
      await reader.cancel();
      return JSON.parse(event.data) as BatchSummaryJson;
    }
  }
}

/** A refused or dropped connection, or a server error while it restarts: worth connecting again. */
function isConnectionLoss(error: unknown): boolean {
  if (error instanceof HttpError) return error.status >= 500;
  // ApiClient reports a refused connection as CliError; fetch reports one dropped mid-stream as TypeError.
  return error instanceof CliError || error instanceof TypeError;
}
