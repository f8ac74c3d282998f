// @ts-check
/** A prediction's page: the live panel, and the actions cancel, re-run (and the playground link). */
import { api } from "./api.js";
import { byId } from "./dom.js";
import { isTerminal } from "./format.js";
import { PredictionDetails } from "./prediction-details.js";
import { PredictionPanel } from "./prediction-panel.js";
import { watchPrediction } from "./prediction-stream.js";

const mount = byId("prediction-panel");
const cancelButton = byId("cancel", HTMLButtonElement);
const rerunButton = byId("rerun", HTMLButtonElement);
const actionStatus = byId("action-status");

/** @type {import("./prediction-panel.js").Prediction} */
const prediction = JSON.parse(mount.dataset.prediction ?? "{}");
const panel = new PredictionPanel(mount);
const details = new PredictionDetails(byId("prediction-details"));

/** @param {unknown} error */
const say = (error) => {
  actionStatus.textContent = error instanceof Error ? error.message : String(error);
};

/** @param {import("./prediction-panel.js").Prediction} [final] the prediction as it ended */
const ended = (final) => {
  cancelButton.hidden = true;
  if (final && final !== prediction) details.show(final).catch(say);
};

cancelButton.hidden = isTerminal(prediction.status);
details.show(prediction).catch(say);
const stop = watchPrediction(prediction, panel, ended);

cancelButton.addEventListener("click", async () => {
  cancelButton.disabled = true;
  try {
    const canceled = await api("/v1/predictions/{id}/cancel", {
      method: "POST",
      params: { id: prediction.id },
    });
    if (isTerminal(canceled.status)) {
      stop();
      panel.show(canceled);
      ended(canceled);
    }
    actionStatus.textContent = `Prediction ${canceled.status}`;
  } catch (error) {
    say(error);
  } finally {
    cancelButton.disabled = false;
  }
});

rerunButton.addEventListener("click", async () => {
  rerunButton.disabled = true;
  try {
    const [owner = "", name = ""] = prediction.model.split("/");
    const again = await api("/v1/models/{owner}/{name}/predictions", {
      method: "POST",
      params: { owner, name },
      json: { input: prediction.input },
    });
    location.assign(`/p/${encodeURIComponent(again.id)}`);
  } catch (error) {
    say(error);
    rerunButton.disabled = false;
  }
});
