/** Bearer authentication (`Token <t>` is accepted too, as in older documentation). */
import type { MiddlewareHandler } from "hono";
import type { FakeEnv } from "./context.ts";
import { ApiProblem } from "./problem.ts";

export function authenticate(token: string): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const [scheme = "", given] = (c.req.header("authorization") ?? "").trim().split(/\s+/, 2);
    if (!/^(bearer|token)$/i.test(scheme) || given !== token) {
      throw new ApiProblem(401, {
        title: "Unauthenticated",
        detail: "You did not pass a valid authentication token",
      });
    }
    await next();
  };
}
