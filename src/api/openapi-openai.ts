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
        "OpenAI chat completions over any text model (messages, stream, max_tokens, temperature, top_p, stop, seed). n (at most 10) runs n predictions: choices indexed 0..n-1, usage summed, streamed deltas under each choice's index; one failing fails the request and cancels the rest. Parameters a model cannot honour are refused (400 unsupported_parameter: tools, response_format json, logprobs…; for an alias, unless every target it may route to honours them) or, when they only tune the answer, named in x-gengate-dropped-params",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "A chat.completion, or chat.completion.chunk events when stream is true",
        { ...json(object), "text/event-stream": {} },
        droppedParams,
      ),
    },
  },
  "/openai/v1/responses": {
    post: {
      operationId: "createResponse",
      summary:
        "OpenAI's Responses API over any text model (input as a string or message items, instructions, max_output_tokens, temperature, top_p, stream as response.* events). For a model that takes tools natively (an OpenAI-compatible upstream's): function tools, tool_choice, function_call and function_call_output items and text.format (json_object, json_schema; strict answers checked) are passed on, and function_call output items answered (streamed as response.function_call_arguments.* events); for any other model they are refused (400 unsupported_parameter). gengate keeps no responses: previous_response_id, conversation, background and stored prompts are refused, and so are hosted and custom tools and log probabilities; an item_reference to an earlier answer's message (msg_<prediction id>) or function call (fc_<prediction id>_<n>) is read back from that prediction of the caller's, and refused (400 naming the item) when there is none, it did not succeed, or its answered text cannot be told exactly (a prompt-template turn end in it); store and other service parameters are named in x-gengate-dropped-params",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "A response object, or response.* events when stream is true",
        { ...json(object), "text/event-stream": {} },
        droppedParams,
      ),
    },
  },
  "/openai/v1/completions": {
    post: {
      operationId: "createCompletion",
      summary:
        "OpenAI's legacy completions: one prompt completed as it is (no chat template), max_tokens (16 by default, as OpenAI), stop, echo, stream, n (at most 10; n predictions, as in chat), best_of equal to n. Several prompts, token ids, suffix, best_of above n and logprobs are refused (400)",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "A text_completion, or chunks of the same shape then [DONE] when stream is true",
        { ...json(object), "text/event-stream": {} },
        droppedParams,
      ),
    },
  },
  "/openai/v1/embeddings": {
    post: {
      operationId: "createEmbedding",
      summary:
        "OpenAI embeddings from an embedding model (sim/embeddings, or one taking text, text_batch or texts as Replicate's do): encoding_format float or base64 (little-endian float32), dimensions where the model takes it (else 400 unsupported_parameter), usage.prompt_tokens",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "{ object: list, data: [{ object: embedding, index, embedding }], model, usage }",
        json(object),
      ),
    },
  },
  "/openai/v1/images/generations": {
    post: {
      operationId: "createImage",
      summary:
        "OpenAI image generation over any image model or alias (n at most 10: asked of the model at once where it makes several, else n predictions; size, response_format, quality, style, output_format: PNG by default). Parameters a model cannot honour are refused (400 unsupported_parameter) or named in x-gengate-dropped-params",
      requestBody: { required: true, content: json(object) },
      responses: answer(
        "{ created, data: [{ url } | { b64_json }], gengate: { prediction_id, prediction_ids (n predictions), model, warnings } }",
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
  "/openai/v1/images/variations": {
    post: {
      operationId: "createImageVariation",
      summary:
        "OpenAI image variations: an image (n, size, response_format) given to an image-to-image model (flux-kontext-pro by default) with a prompt asking for a variation",
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
