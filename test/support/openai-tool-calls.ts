/**
 * What the tests of native tool calling share: the weather tool the fake upstreams call (with
 * `{ city: "Paris" }` when asked about Paris), and a streamed call of it checked in OpenAI's shape.
 */
import type OpenAI from "openai";
import { expect } from "vitest";
import { shapeErrors } from "../fakes/openai/openapi-spec.ts";

export const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** Asks `model` about Paris's weather, streamed: the call comes as `delta.tool_calls`, then usage. */
export async function expectStreamedWeatherCall(client: OpenAI, model: string): Promise<void> {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Weather in Paris?" }],
    tools: [weatherTool],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  for (const chunk of chunks) expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
  const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((each) => each.delta.tool_calls ?? []));
  expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather" } });
  expect(JSON.parse(deltas.map((delta) => delta.function?.arguments ?? "").join(""))).toEqual({
    city: "Paris",
  });
  expect(chunks.flatMap((chunk) => chunk.choices.map((each) => each.finish_reason)).at(-1)).toBe(
    "tool_calls",
  );
  expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12 });
}
