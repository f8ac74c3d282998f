/**
 * `item_reference` input items (what the AI SDK sends for an earlier answer's items by default)
 * replaced by the items they stand for: `msg_<prediction id>` is the message a Responses answer
 * gave, `fc_<prediction id>_<n>` its n-th function call. gengate keeps no responses, only their
 * predictions: a reference is resolved from one of the caller's own succeeded predictions (as
 * `GET /v1/predictions/{id}` sees them), and a message only when its prediction tells exactly the
 * text the client was answered (the route cuts it at stop sequences and its token limit).
 */
import { TURN_ENDS } from "../../catalog/prompt-templates.ts";
import type { Prediction } from "../../core/prediction.ts";
import { isTextOutput, toolCallsOf } from "./chat-tool-calls.ts";
import { paramError, unsupportedParam } from "./openai-error.ts";
import { hasMessage } from "./responses-shapes.ts";

/** The caller's prediction of that id, undefined when it has none (another token's is none). */
export type FindPrediction = (id: string) => Promise<Prediction | undefined>;

type Item = Record<string, unknown>;

const isObject = (value: unknown): value is Item =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A prediction id is at most 64 characters (`ID_PATTERN`). */
const MESSAGE_ID = /^msg_([a-z0-9]{1,64})$/;
const CALL_ID = /^fc_([a-z0-9]{1,64})_(\d+)$/;

/** The request body with each `item_reference` of its `input` replaced by the item it names. */
export async function resolveReferences(body: unknown, find: FindPrediction): Promise<unknown> {
  if (!isObject(body) || !Array.isArray(body.input)) return body;
  const input: unknown[] = [];
  for (const [index, item] of body.input.entries()) {
    // OpenAI's document lets a reference leave its type out: an id and no role.
    const isReference =
      isObject(item) &&
      (item.type === "item_reference" || (item.type == null && !("role" in item) && "id" in item));
    input.push(isReference ? await referenced(item, `input[${index}]`, find) : item);
  }
  return { ...body, input };
}

async function referenced(reference: Item, param: string, find: FindPrediction): Promise<Item> {
  const { id } = reference;
  if (typeof id !== "string" || id === "")
    throw paramError(`${param}.id`, `Invalid '${param}.id': must be a non-empty string`);
  const [, predictionId, callIndex] = MESSAGE_ID.exec(id) ?? CALL_ID.exec(id) ?? [];
  const unknown = () =>
    paramError(param, `Invalid '${param}': no item '${id}' among the responses this token was answered`);
  const prediction = predictionId === undefined ? undefined : await find(predictionId);
  if (!prediction) throw unknown();
  if (prediction.state !== "succeeded") throw unfinished(param, id, prediction.state);
  if (!isTextOutput(prediction.output)) throw unknown();
  const toolCalls = toolCallsOf(prediction.output);
  if (callIndex !== undefined) {
    const call = toolCalls[Number(callIndex)];
    if (!call) throw unknown();
    return {
      type: "function_call",
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    };
  }
  const text = answeredText(prediction, param, id);
  if (!hasMessage(text, toolCalls)) throw unknown();
  return { type: "message", role: "assistant", content: text };
}

const SEND_ITSELF = "send the item itself (with the AI SDK, providerOptions.openai.store = false)";

function unfinished(param: string, id: string, state: Prediction["state"]) {
  if (state === "canceled")
    return unsupportedParam(
      param,
      `'${param}' refers to '${id}', whose answer was ended early (its prediction was canceled, as when gengate ends an answer at a stop sequence or the token limit), so gengate cannot tell the text that was answered: ${SEND_ITSELF}`,
    );
  return paramError(
    param,
    `Invalid '${param}': the response of '${id}' ${state === "failed" ? "failed" : "has not completed yet"}`,
  );
}

/**
 * The text the client was answered: the tokens up to the limit the model was given, cut at the
 * first stop sequence it was given. A stop gengate applied without giving it to the model (a
 * prompt family's turn end) is not kept: an answer that holds one may have been cut there, and is
 * refused rather than guessed at.
 */
function answeredText(prediction: Prediction, param: string, id: string): string {
  const { input, output } = prediction;
  // What gengate submitted: an alias's target may have replaced some of it in `input`.
  const submitted = prediction.route?.request ?? input;
  const tokens = (output as unknown[]).filter((item): item is string => typeof item === "string");
  const limit = [submitted.max_tokens, submitted.max_new_tokens, input.max_tokens, input.max_new_tokens].find(
    (value) => typeof value === "number",
  ) as number | undefined;
  let text = tokens.slice(0, limit).join("");
  const given = submitted.stop ?? submitted.stop_sequences;
  const stops = Array.isArray(given) ? given.filter((stop) => typeof stop === "string" && stop !== "") : [];
  const at = Math.min(...stops.map((stop) => text.indexOf(stop)).filter((index) => index >= 0));
  if (Number.isFinite(at)) text = text.slice(0, at);
  const untold = [...("prompt" in submitted ? TURN_ENDS : []), ...joinedStops(given)].find((stop) =>
    text.includes(stop),
  );
  if (untold !== undefined) {
    throw unsupportedParam(
      param,
      `'${param}' refers to '${id}', whose text holds ${JSON.stringify(untold)}, where gengate may have cut the answer it gave: ${SEND_ITSELF}`,
    );
  }
  return text;
}

/** Stop sequences a model took as one comma-separated string: its pieces, and a comma if one was in a stop. */
function joinedStops(given: unknown): string[] {
  if (typeof given !== "string") return [];
  const pieces = given.split(",");
  return [...pieces.filter((piece) => piece !== ""), ...(pieces.includes("") ? [","] : [])];
}
