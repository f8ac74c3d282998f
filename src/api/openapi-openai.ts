/** The OpenAI-compatible endpoints under /openai/v1, described briefly: OpenAI's own reference has the shapes. */
import { idParam, json } from "./openapi-helpers.ts";

const openAiError = {
  description:
    "OpenAI's error shape: { error: { message, type, param, code } }; a parameter the model cannot honour has code unsupported_parameter",
  content: json({ type: "object", properties: { error: { type: "object" } } }),
};
const droppedParams = {
  "x-gengate-dropped-params": {
    description: "The request's parameters left out because the model has nothing for them, comma-separated",
    schema: { type: "string" },
  },
};
const answer = (description: string, content: object, headers?: object) => ({
  "200": { description, content, ...(headers && { headers }) },
  "400": openAiError,
  "401": openAiError,
  "404": openAiError,
});
const object = { type: "object" };

export const openAiPaths = {
  "/openai/v1/chat/completions": {
    post: {
      operationId: "createChatCompletion",
      summary:
        "OpenAI chat completions over any text model (messages, stream, max_tokens, temperature, top_p, stop, seed). Parameters a model cannot honour are refused (400 unsupported_parameter: tools, response_format json, n > 1, logprobs…) or, when they only tune the answer, named in x-gengate-dropped-params",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "A chat.completion, or chat.completion.chunk events when stream is true",
        { ...json(object), "text/event-stream": {} },
        droppedParams,
      ),
    },
  },
  "/openai/v1/images/generations": {
    post: {
      operationId: "createImage",
      summary:
        "OpenAI image generation over any image model or alias (n, size, response_format, quality, style, output_format: PNG by default). Parameters a model cannot honour are refused (400 unsupported_parameter) or named in x-gengate-dropped-params",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "{ created, data: [{ url } | { b64_json }], gengate: { prediction_id, warnings } }",
        json(object),
        droppedParams,
      ),
    },
  },
  "/openai/v1/images/edits": {
    post: {
      operationId: "createImageEdit",
      summary:
        "OpenAI image edits: image, optional mask (transparent = repaint) and prompt, to an inpainting model",
      requestBody: { required: true, content: { "multipart/form-data": { schema: object } } },
      responses: answer("As for generations", json(object), droppedParams),
    },
  },
  "/openai/v1/models": {
    get: {
      operationId: "listModels",
      summary: "The catalog's aliases and the providers' models, in OpenAI's list shape",
      responses: answer("A list", json(object)),
    },
  },
  "/openai/v1/models/{model}": {
    get: {
      operationId: "retrieveModel",
      summary: "One model",
      parameters: [idParam("model")],
      responses: answer("The model", json(object)),
    },
  },
};
