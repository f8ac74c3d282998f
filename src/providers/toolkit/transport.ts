/**
 * How gengate calls upstreams and downloads their outputs: undici's request API, which costs
 * about a third of the CPU of `fetch` per call (0.11 ms against 0.30, bench/upstream-client.ts),
 * with redirects followed as `fetch` follows them (up to 20; undici drops the credentials when
 * one leaves the origin).
 */
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";

const MAX_REDIRECTIONS = 20;

interface Client {
  request: typeof import("undici").request;
  dispatcher: Dispatcher;
}

let loaded: Promise<Client> | undefined;

/** undici, loaded by the first call: a gateway that calls no upstream keeps its ~3 MiB. */
function client(): Promise<Client> {
  loaded ??= import("undici").then(({ Agent, interceptors, request }) => ({
    request,
    dispatcher: new Agent().compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS })),
  }));
  return loaded;
}

export interface TransportRequest {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | FormData;
  signal: AbortSignal;
}

/** An answer whose body is still to be read, or to be dropped with `discard`. */
export interface OpenAnswer {
  status: number;
  /** A 2xx status. */
  ok: boolean;
  headers: Headers;
  body: Readable & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };
  /** Drops the body unread, freeing the connection. */
  discard(): void;
}

export async function openUrl(url: string, init: TransportRequest): Promise<OpenAnswer> {
  const { headers, body } =
    init.body instanceof FormData
      ? await encoded(init.body, init.headers)
      : { headers: init.headers, body: init.body };
  const { request, dispatcher } = await client();
  const answer = await request(url, {
    dispatcher,
    method: init.method ?? "GET",
    ...(headers && { headers }),
    ...(body !== undefined && { body }),
    signal: init.signal,
  });
  return {
    status: answer.statusCode,
    ok: answer.statusCode >= 200 && answer.statusCode < 300,
    headers: webHeaders(answer.headers),
    body: answer.body,
    // Reads a little of it to keep the connection; aborts the rest (an abort that is no error here).
    discard: () => void answer.body.dump().catch(() => {}),
  };
}

/**
 * A form as multipart bytes and their content type, encoded by Node's own `Response` (Node's global
 * FormData is not the npm undici's, and a form's files are small uploads).
 */
async function encoded(
  form: FormData,
  headers: Record<string, string> = {},
): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const multipart = new Response(form);
  const contentType = multipart.headers.get("content-type") ?? "multipart/form-data";
  return {
    headers: { ...headers, "content-type": contentType },
    body: Buffer.from(await multipart.arrayBuffer()),
  };
}

function webHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (typeof value === "string") headers.append(name, value);
    else if (value) for (const each of value) headers.append(name, each);
  }
  return headers;
}

/** A request and its whole answer, the body as text. */
export type Exchange = (
  url: string,
  init: TransportRequest,
) => Promise<{ status: number; headers: Headers; text: string }>;

export const exchange: Exchange = async (url, init) => {
  const answer = await openUrl(url, init);
  return { status: answer.status, headers: answer.headers, text: await answer.body.text() };
};

/** The same over a `fetch` of one's own (tests, runtimes with their own). */
export function fetchExchange(fetchImpl: typeof fetch): Exchange {
  return async (url, init) => {
    const response = await fetchImpl(url, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}
