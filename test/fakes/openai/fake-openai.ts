/**
 * A fake OpenAI-compatible upstream over real HTTP, answering in the shapes of OpenAI's published
 * OpenAPI document (vendored beside it): `GET /v1/models`, `POST /v1/chat/completions` (whole or
 * streamed as `chat.completion.chunk` events, tool calls streamed as argument deltas),
 * `/v1/images/generations` (base64 PNGs) and `/v1/embeddings`; a wrong key is a 401, and
 * `faults.rateLimited` answers that many requests with a 429 and `Retry-After`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import type { ChatBody } from "./answers.ts";
import { chatCompletion, chatCompletionChunks } from "./chat-completion.ts";

export interface FakeOpenAi {
  url: string;
  apiKey: string;
  /** Every request's path and JSON body, in order. */
  requests: { path: string; body: Record<string, unknown> }[];
  faults: { rateLimited: number; retryAfterSeconds: number; violateSchema: boolean };
  close(): Promise<void>;
}

const MODELS = ["fake-chat", "fake-image", "fake-embed"];

export async function startFakeOpenAi(apiKey = "sk-fake-openai-key-0123456789"): Promise<FakeOpenAi> {
  const requests: FakeOpenAi["requests"] = [];
  const faults = { rateLimited: 0, retryAfterSeconds: 1, violateSchema: false };
  let calls = 0;
  const created = Math.floor(Date.now() / 1000);

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, type: string, code: string | null) =>
    json(res, status, { error: { message, type, param: null, code } });

  const chat = (res: ServerResponse, body: ChatBody) => {
    calls++;
    const ids = {
      id: `chatcmpl-fake${calls}`,
      callId: `call_fake${calls}`,
      created,
      violateSchema: faults.violateSchema,
    };
    if (!body.stream) return json(res, 200, chatCompletion(body, ids));
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chatCompletionChunks(body, ids)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end("data: [DONE]\n\n");
  };

  const images = async (res: ServerResponse, body: { n?: number; size?: string }) => {
    const [width, height] = (body.size ?? "64x64").split("x").map(Number);
    const png = await sharp({
      create: { width: width ?? 64, height: height ?? 64, channels: 3, background: { r: 200, g: 80, b: 40 } },
    })
      .png()
      .toBuffer();
    const data = Array.from({ length: body.n ?? 1 }, () => ({ b64_json: png.toString("base64") }));
    json(res, 200, { created, data });
  };

  const embeddings = (
    res: ServerResponse,
    body: { input: string | string[]; model: string; dimensions?: number },
  ) => {
    const texts = typeof body.input === "string" ? [body.input] : body.input;
    const length = body.dimensions ?? 8;
    const data = texts.map((text, index) => ({
      object: "embedding",
      index,
      embedding: Array.from({ length }, (_, i) => ((text.charCodeAt(i % text.length) || 1) % 17) / 17),
    }));
    json(res, 200, {
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: texts.length * 3, total_tokens: texts.length * 3 },
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    requests.push({ path, body });
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return error(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    if (faults.rateLimited > 0) {
      faults.rateLimited--;
      return json(
        res,
        429,
        {
          error: {
            message: "Rate limit reached",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        },
        { "retry-after": String(faults.retryAfterSeconds) },
      );
    }
    if (req.method === "GET" && path === "/v1/models")
      return json(res, 200, {
        object: "list",
        data: MODELS.map((id) => ({ id, object: "model", created, owned_by: "fake" })),
      });
    if (req.method !== "POST") return error(res, 404, `Unknown path ${path}`, "invalid_request_error", null);
    if (path === "/v1/chat/completions") return chat(res, body as unknown as ChatBody);
    if (path === "/v1/images/generations") return images(res, body);
    if (path === "/v1/embeddings")
      return embeddings(res, body as unknown as Parameters<typeof embeddings>[1]);
    return error(res, 404, `Unknown path ${path}`, "invalid_request_error", null);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => error(res, 500, String(failure), "server_error", null));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    faults,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
