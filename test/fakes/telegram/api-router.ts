/**
 * The HTTP face of the fake: `{apiRoot}/bot{token}/{method}` (any case, any HTTP method) and file
 * downloads at `{apiRoot}/file/bot{token}/{file_path}` (reference C.1).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, internalError, methodNotFound, notFound, unauthorized } from "./api-error.ts";
import { botMethods } from "./bot-methods.ts";
import { mediaMethods } from "./media-methods.ts";
import { messageMethods } from "./message-methods.ts";
import { paymentMethods } from "./payment-methods.ts";
import { Params, readParams } from "./request-params.ts";
import type { FakeState, MethodHandler } from "./state.ts";

const METHODS = new Map<string, { name: string; handler: MethodHandler }>(
  Object.entries({ ...botMethods, ...messageMethods, ...mediaMethods, ...paymentMethods }).map(
    ([name, handler]) => [name.toLowerCase(), { name, handler }],
  ),
);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Runs one API call: the test's faults first, then the method; records it in the call log. */
async function dispatch(
  state: FakeState,
  method: { name: string; handler: MethodHandler },
  params: Params,
  signal: AbortSignal,
  viaWebhookReply = false,
): Promise<Answer> {
  const call = state.calls.start(method.name, params.summary(), viaWebhookReply);
  try {
    const chatId = Number(params.values.chat_id);
    const fault = state.faults.take(method.name, Number.isFinite(chatId) ? chatId : undefined);
    if (fault) throw fault;
    const result = await method.handler(state, params, signal);
    state.calls.finish(call, 200, { result });
    return { status: 200, body: { ok: true, result } };
  } catch (caught) {
    const error = caught instanceof ApiError ? caught : internalError();
    if (!(caught instanceof ApiError)) console.error("fake Telegram: method failed", caught);
    state.calls.finish(call, error.code, { error: error.message });
    return { status: error.code, body: error.body() };
  }
}

function findMethod(name: string) {
  return METHODS.get(name.toLowerCase());
}

type ControlHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

export function createApiHandler(state: FakeState, control: ControlHandler) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    void route(state, control, request, response).catch((error: unknown) => {
      console.error("fake Telegram: request failed", error);
      if (!response.headersSent) send(response, { status: 500, body: internalError().body() });
    });
  };
}

async function route(
  state: FakeState,
  control: ControlHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://fake-telegram");
  if (url.pathname.startsWith("/_fake/")) return control(request, response, url);
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (file && request.method === "GET") return download(state, file[1] ?? "", file[2] ?? "", response);
  const api = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!api) return send(response, { status: 404, body: notFound().body() });
  if (api[1] !== state.token) return drainThen(request, response, unauthorized());
  const method = findMethod(decodeURIComponent(api[2] ?? ""));
  if (!method) return drainThen(request, response, methodNotFound());
  const abort = new AbortController();
  response.on("close", () => abort.abort());
  let params: Params;
  try {
    params = await readParams(request, url);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const call = state.calls.start(method.name, {});
    state.calls.finish(call, error.code, { error: error.message });
    return send(response, { status: error.code, body: error.body() });
  }
  const answer = await dispatch(state, method, params, abort.signal);
  if (!response.destroyed) send(response, answer);
}

function download(state: FakeState, token: string, path: string, response: ServerResponse): void {
  const stored = token === state.token ? state.files.atPath(decodeURIComponent(path)) : undefined;
  if (!stored || stored.bytes.length < stored.size) {
    send(response, { status: 404, body: notFound().body() });
    return;
  }
  response.writeHead(200, {
    "content-type": stored.mimeType ?? "application/octet-stream",
    "content-length": stored.bytes.length,
  });
  response.end(stored.bytes);
}

function drainThen(request: IncomingMessage, response: ServerResponse, error: ApiError): void {
  request.resume();
  request.on("end", () => send(response, { status: error.code, body: error.body() }));
}

function send(response: ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** Runs the method call a bot put in its answer to a webhook request. */
export async function runWebhookReply(state: FakeState, body: Record<string, unknown>): Promise<void> {
  const { method: name, ...payload } = body;
  const method = findMethod(String(name));
  if (method) await dispatch(state, method, new Params(payload), new AbortController().signal, true);
}
