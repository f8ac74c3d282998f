// @ts-check
/**
 * Follows a running prediction on its event stream (through the pass-through): logs and streamed
 * tokens as they come; on `done`, the final prediction from the API.
 */
import { api, apiUrl } from "./api.js";
import { isTerminal } from "./format.js";

/** How long to wait before following again when the stream ended but the prediction had not. */
const RETRY_MS = 2_000;

/** @typedef {Pick<import("./prediction-panel.js").PredictionPanel, "show" | "restartLive" | "appendLogs" | "appendToken">} LivePanel */

/**
 * Shows `prediction` in `panel` and keeps it live until it ends.
 * @param {import("./prediction-panel.js").Prediction} prediction
 * @param {LivePanel} panel
 * @param {(ended: import("./prediction-panel.js").Prediction) => void} [onEnd]
 * @returns {() => void} stops following
 */
export function watchPrediction(prediction, panel, onEnd) {
  panel.show(prediction);
  if (isTerminal(prediction.status)) {
    onEnd?.(prediction);
    return () => {};
  }
  let stopped = false;
  /** @type {EventSource | undefined} */
  let source;
  const streamsText = Boolean(prediction.urls.stream);

  const settle = async () => {
    source?.close();
    if (stopped) return;
    /** @type {import("./prediction-panel.js").Prediction} */
    let latest;
    try {
      latest = await api("/v1/predictions/{id}", { params: { id: prediction.id } });
    } catch {
      setTimeout(follow, RETRY_MS);
      return;
    }
    if (stopped) return;
    panel.show(latest);
    if (isTerminal(latest.status)) onEnd?.(latest);
    else setTimeout(follow, RETRY_MS);
  };

  const follow = () => {
    if (stopped) return;
    source = new EventSource(apiUrl("/v1/predictions/{id}/stream", { params: { id: prediction.id } }));
    // Each connection replays the prediction from its beginning.
    source.addEventListener("open", () => panel.restartLive());
    source.addEventListener("logs", (event) => panel.appendLogs(event.data));
    if (streamsText) source.addEventListener("output", (event) => panel.appendToken(event.data));
    source.addEventListener("done", () => void settle());
    source.addEventListener("error", (event) => {
      // An `error` event with data is the prediction's (a `done` follows); without, the connection's.
      if (!(event instanceof MessageEvent) && source?.readyState === EventSource.CLOSED) void settle();
    });
  };

  follow();
  return () => {
    stopped = true;
    source?.close();
  };
}
