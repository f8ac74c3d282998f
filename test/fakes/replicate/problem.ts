/** Errors as `application/problem+json`, shaped like Replicate's (reference/replicate.md §6.1). */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ProblemBody {
  title?: string;
  detail: string;
  [extra: string]: unknown;
}

/** Thrown anywhere in a handler; the app answers it as a problem response. */
export class ApiProblem extends Error {
  readonly status: ContentfulStatusCode;
  readonly body: ProblemBody;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, body: ProblemBody, headers: Record<string, string> = {}) {
    super(body.detail);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function problemResponse(c: Context, problem: ApiProblem): Response {
  const { title, detail, ...extra } = problem.body;
  const body = { ...(title !== undefined && { title }), detail, status: problem.status, ...extra };
  return c.body(JSON.stringify(body), problem.status, {
    ...problem.headers,
    "Content-Type": "application/problem+json",
  });
}

export const notFound = (what: string) =>
  new ApiProblem(404, { title: "Not found", detail: `The requested ${what} was not found.` });

export const badRequest = (title: string, detail: string) => new ApiProblem(400, { title, detail });
