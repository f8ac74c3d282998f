/** Creating trainings (reference/replicate.md §2.3); list, get and cancel come from records.ts. */
import { Hono } from "hono";
import { ACCOUNT } from "../builtin-models.ts";
import type { FakeEnv, FakeState } from "../context.ts";
import { validationProblem } from "../input-validation.ts";
import { predictionJson } from "../prediction-json.ts";
import { newRecord } from "../prediction-store.ts";
import { ApiProblem, notFound } from "../problem.ts";
import { destroyConnection, jsonBody, webhookFields } from "../request-body.ts";
import { recordRoutes } from "./records.ts";

export function trainingRoutes(state: FakeState): Hono<FakeEnv> {
  const { catalog, validator } = state;
  const app = new Hono<FakeEnv>();

  app.post("/models/:owner/:name/versions/:id/trainings", async (c) => {
    const body = await jsonBody(c);
    if (state.faults.take("resetBefore")) return destroyConnection(c);
    const model = catalog.model(`${c.req.param("owner")}/${c.req.param("name")}`);
    const version = catalog.version(c.req.param("id"));
    if (!model || !version || version.model !== `${model.owner}/${model.name}`) throw notFound("version");
    if (!validator.has(version, "TrainingInput")) {
      throw new ApiProblem(400, {
        title: "Bad request",
        detail: `${version.model} does not support training`,
      });
    }
    if (typeof body.destination !== "string") {
      throw validationProblem([
        { type: "required", field: "destination", description: "destination is required" },
      ]);
    }
    const destination = catalog.model(body.destination);
    if (!destination) {
      throw new ApiProblem(404, { detail: "The specified training destination does not exist" });
    }
    if (destination.owner !== ACCOUNT.username) {
      throw new ApiProblem(403, {
        title: "Forbidden",
        detail: `You do not have permission to push new versions to ${body.destination}`,
      });
    }
    const webhook = webhookFields(body);
    state.validator.check(version, "TrainingInput", body.input);
    const record = state.predictions.add(
      newRecord({
        kind: "training",
        model: version.model,
        version: version.id,
        versionId: version.id,
        destination: body.destination,
        input: body.input,
        ...webhook,
        streamToken: null,
      }),
    );
    state.runner.start(record);
    if (state.faults.take("resetAfter")) return destroyConnection(c);
    return c.json(predictionJson(record, state.view), 201);
  });

  app.route("/", recordRoutes(state, "training"));
  return app;
}
