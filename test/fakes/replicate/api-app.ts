/** The API origin: recording, faults, auth and rate limits in front of the routes. */
import { Hono, type MiddlewareHandler } from "hono";
import { authenticate } from "./auth.ts";
import type { FakeEnv, FakeState } from "./context.ts";
import { ApiProblem, problemResponse } from "./problem.ts";
import { rateLimit } from "./rate-limit.ts";
import { recordRequests } from "./recorder.ts";
import { accountRoutes } from "./routes/account.ts";
import { fileRoutes } from "./routes/files.ts";
import { modelRoutes } from "./routes/models.ts";
import { predictionCreateRoutes } from "./routes/prediction-create.ts";
import { recordRoutes } from "./routes/records.ts";
import { searchRoutes } from "./routes/search.ts";
import { streamRoutes } from "./routes/stream.ts";
import { trainingRoutes } from "./routes/trainings.ts";

/** `errors5xx` answers before anything else happens; `slow` holds the finished answer. */
function injectFaults({ faults, scheduler }: FakeState): MiddlewareHandler<FakeEnv> {
  return async (_c, next) => {
    const status = faults.takeError();
    if (status !== undefined) {
      throw new ApiProblem(status as 500, { title: "Service unavailable", detail: "Injected fault" });
    }
    const delayMs = faults.takeSlow();
    await next();
    if (delayMs > 0) await scheduler.sleep(delayMs);
  };
}

export function apiApp(state: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  app.use(recordRequests(state.requests));
  // Streams come first: no faults, no token, no rate limit.
  app.route("/v1", streamRoutes(state));
  app.use(injectFaults(state));
  app.use(authenticate(state.options.token));
  app.use(rateLimit(state.limiter, state.options.token));
  for (const routes of [
    predictionCreateRoutes(state),
    recordRoutes(state, "prediction"),
    trainingRoutes(state),
    modelRoutes(state),
    fileRoutes(state),
    accountRoutes(state),
    searchRoutes(state),
  ]) {
    app.route("/v1", routes);
  }
  app.notFound((c) => problemResponse(c, new ApiProblem(404, { title: "Not found", detail: "Not found." })));
  app.onError((error, c) => {
    if (error instanceof ApiProblem) return problemResponse(c, error);
    console.error("fake-replicate: unexpected error", error);
    return problemResponse(c, new ApiProblem(500, { title: "Internal server error", detail: String(error) }));
  });
  return app;
}
