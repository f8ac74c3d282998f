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

/**
 * @param {string} path an API path with its query, e.g. `/v1/predictions?status=failed`
 * @param {{ method?: string, json?: unknown, body?: BodyInit }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = "GET", json, body } = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`/ui/api${path}`, {
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
 * The API path of an absolute API URL (such as a page's `next` link).
 * @param {string} url
 */
export function apiPathOf(url) {
  const parsed = new URL(url, location.href);
  return `${parsed.pathname}${parsed.search}`;
}

/** The event stream of a prediction, through the pass-through. */
export const streamPath = (/** @type {string} */ id) =>
  `/ui/api/v1/predictions/${encodeURIComponent(id)}/stream`;

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
