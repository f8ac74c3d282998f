/**
 * Azure Functions v4 HTTP ⇄ the web `Request`/`Response` a Hono app speaks, in the shape of the
 * community adapter Hono's documentation points to (Marplex/hono-azurefunc-adapter): the request's
 * body is passed on as a stream, the response's body is handed back as a stream (with
 * `app.setup({ enableHttpStream: true })` the host streams it, as server-sent events need).
 */
import type { Cookie, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

const WITHOUT_BODY = new Set(["GET", "HEAD"]);

export function toWebRequest(request: HttpRequest): Request {
  const method = request.method.toUpperCase();
  const body = WITHOUT_BODY.has(method) ? null : request.body;
  return new Request(request.url, {
    method,
    headers: request.headers,
    body,
    ...(body !== null && { duplex: "half" }),
  } as RequestInit);
}

/** Cookies go apart from the headers: the host writes them, one `Set-Cookie` each. */
export function toHttpResponse(response: Response): HttpResponseInit {
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  const cookies = response.headers.getSetCookie().map(parseSetCookie);
  return { status: response.status, headers, body: response.body, ...(cookies.length > 0 && { cookies }) };
}

const SAME_SITE: Record<string, Cookie["sameSite"]> = { strict: "Strict", lax: "Lax", none: "None" };

/** A `Set-Cookie` header value as the host's cookie object. */
export function parseSetCookie(header: string): Cookie {
  const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
  const equals = pair.indexOf("=");
  const cookie: Cookie = { name: pair.slice(0, equals), value: pair.slice(equals + 1) };
  for (const attribute of attributes) {
    const [name = "", value = ""] = attribute.split("=", 2);
    switch (name.toLowerCase()) {
      case "domain":
        cookie.domain = value;
        break;
      case "path":
        cookie.path = value;
        break;
      case "expires":
        cookie.expires = new Date(value);
        break;
      case "max-age":
        cookie.maxAge = Number(value);
        break;
      case "secure":
        cookie.secure = true;
        break;
      case "httponly":
        cookie.httpOnly = true;
        break;
      case "samesite":
        cookie.sameSite = SAME_SITE[value.toLowerCase()];
        break;
    }
  }
  return cookie;
}

/** An HTTP trigger's handler that serves every request with `fetch` (a Hono app's). */
export function azureFetchHandler(
  fetch: (request: Request) => Response | Promise<Response>,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request) => toHttpResponse(await fetch(toWebRequest(request)));
}
