// @ts-check
/**
 * The public API, reached through the dashboard's `/ui/api` pass-through: the session cookie goes
 * with every call, and the CSRF token with every call that changes something.
 */

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Back to sign-in, returning to this page afterwards. */
export function signInAgain() {
  location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** @typedef {import("../../api-client/openapi-types.ts").paths} Paths */
/** @typedef {"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} Method */
/**
 * The paths of the API's OpenAPI document that have `method`.
 * @template {Method} M
 * @typedef {{ [P in keyof Paths]: Lowercase<M> extends keyof Paths[P] ? P : never }[keyof Paths]} PathOf
 */
/**
 * The `{name}`s of `path` for `method`, as the document declares them.
 * @template {Method} M
 * @template {PathOf<M>} P
 * @typedef {Paths[P][Lowercase<M> & keyof Paths[P]] extends { parameters: { path: infer A } } ? A : Record<string, never>} PathParams
 */

/**
 * Calls the API at `path`, a path of its OpenAPI document with its `{name}`s filled from `params`,
 * so that the type check fails for a path or method the API does not have. Answers the JSON.
 * @template {Method} [M="GET"]
 * @template {PathOf<M>} [P=PathOf<M>]
 * @param {P} path e.g. `/v1/loras/{id}`
 * @param {{ method?: M, params?: PathParams<M, P>, query?: URLSearchParams, json?: unknown, body?: BodyInit }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method, params, query, json, body } = {}) {
  return call(filled(path, /** @type {PathValues | undefined} */ (params), query), {
    method: method ?? "GET",
    json,
    body,
  });
}

/**
 * The pass-through URL of a GET of the API, for an `EventSource`; typed as `api`'s `path`.
 * @template {PathOf<"GET">} P
 * @param {P} path
 * @param {{ params?: PathParams<"GET", P> }} [options]
 */
export function apiUrl(path, { params } = {}) {
  return `/ui/api${filled(path, /** @type {PathValues | undefined} */ (params))}`;
}

/** @typedef {Record<string, string | number>} PathValues */

/**
 * @param {string} path
 * @param {PathValues} [params]
 * @param {URLSearchParams} [query]
 */
function filled(path, params = {}, query = undefined) {
  const filledPath = path.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path} needs its ${name}`);
    return encodeURIComponent(value);
  });
  return query && query.size > 0 ? `${filledPath}?${query}` : filledPath;
}

/**
 * GET a link the API gave (such as a page's `next`), as it gave it.
 * @param {string} url
 * @returns {Promise<any>}
 */
export async function followLink(url) {
  const parsed = new URL(url, location.href);
  return call(`${parsed.pathname}${parsed.search}`, { method: "GET" });
}

/**
 * @param {string} pathAndQuery
 * @param {{ method: string, json?: unknown, body?: BodyInit }} options
 */
async function call(pathAndQuery, { method, json, body }) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`/ui/api${pathAndQuery}`, {
    method,
    headers,
    body: json !== undefined ? JSON.stringify(json) : body,
  });
  if (response.status === 401) {
    signInAgain();
    throw new ApiError(401, "Your session has ended; sign in again.");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, problemText(data, response.status));
  return data;
}

/**
 * What an `application/problem+json` answer says, each invalid field on its own line.
 * @param {any} problem
 * @param {number} status
 */
function problemText(problem, status) {
  if (!problem || typeof problem.detail !== "string") return `The API answered ${status}.`;
  const fields = Array.isArray(problem.invalid_fields) ? problem.invalid_fields : [];
  // Only what the detail does not say already.
  const lines = fields
    .filter((/** @type {any} */ f) => !problem.detail.includes(f.description))
    .map((/** @type {any} */ f) => `${f.field}: ${f.description}`);
  return [problem.detail, ...lines].join("\n");
}
