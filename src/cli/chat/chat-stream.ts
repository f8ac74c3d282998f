/**
 * Streams a chat completion from gengate's OpenAI-compatible API (`/openai/v1/chat/completions`),
 * passing its text on as it arrives.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatParams {
  model: string;
  messages: ChatTurn[];
  max_tokens?: number;
  temperature?: number;
}

interface ChunkJson {
  choices?: { delta?: { content?: string | null } }[];
  error?: { message?: string };
}

/** Resolves with the whole answer once the server says `[DONE]`. */
export async function streamChat(
  client: ApiClient,
  params: ChatParams,
  onText: (text: string) => void,
): Promise<string> {
  const response = await client.send("POST", "/openai/v1/chat/completions", {
    body: { ...params, stream: true },
    headers: { accept: "text/event-stream" },
  });
  const events = response.body
    ?.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  let answer = "";
  for (;;) {
    const read = await events?.read();
    if (!read || read.done) throw new CliError("the answer was cut off: gengate closed the stream");
    if (read.value.data === "[DONE]") return answer;
    const chunk = JSON.parse(read.value.data) as ChunkJson;
    if (chunk.error) throw new CliError(chunk.error.message ?? "the model failed");
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) {
      answer += text;
      onText(text);
    }
  }
}
