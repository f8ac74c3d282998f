/** The OpenAI-compatible endpoints under /openai/v1, described briefly: OpenAI's own reference has the shapes. */
import { idParam, json } from "./openapi-helpers.ts";

const openAiError = {
  description: "OpenAI's error shape: { error: { message, type, param, code } }",
  content: json({ type: "object", properties: { error: { type: "object" } } }),
};
const answer = (description: string, content: object) => ({
  "200": { description, content },
  "400": openAiError,
  "401": openAiError,
  "404": openAiError,
});
const object = { type: "object" };

export const openAiPaths = {
  "/openai/v1/chat/completions": {
    post: {
      summary:
        "OpenAI chat completions over any text model (messages, stream, max_tokens, temperature, top_p, stop, seed)",
      requestBody: { required: true, content: json(object) },
      responses: answer("A chat.completion, or chat.completion.chunk events when stream is true", {
        ...json(object),
        "text/event-stream": {},
      }),
    },
  },
  "/openai/v1/images/generations": {
    post: {
      summary:
        "OpenAI image generation over any image model or alias (n, size, response_format, quality, style)",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "{ created, data: [{ url } | { b64_json }], gengate: { prediction_id, warnings } }",
        json(object),
      ),
    },
  },
  "/openai/v1/images/edits": {
    post: {
      summary:
        "OpenAI image edits: image, optional mask (transparent = repaint) and prompt, to an inpainting model",
      requestBody: { required: true, content: { "multipart/form-data": { schema: object } } },
      responses: answer("As for generations", json(object)),
    },
  },
  "/openai/v1/models": {
    get: {
      summary: "The catalog's aliases and the providers' models, in OpenAI's list shape",
      responses: answer("A list", json(object)),
    },
  },
  "/openai/v1/models/{model}": {
    get: {
      summary: "One model",
      parameters: [idParam("model")],
      responses: answer("The model", json(object)),
    },
  },
};
