/**
 * The three ways to create a prediction: by version, by official model, by deployment. Honours
 * `Prefer: wait` (answers "starting" when the wait runs out) and `Cancel-After`.
 */
import { type Context, Hono } from "hono";
import type { FakeEnv, FakeState } from "../context.ts";
import { urlToken } from "../ids.ts";
import { predictionJson } from "../prediction-json.ts";
import { newRecord } from "../prediction-store.ts";
import { deploymentTarget, modelTarget, type Target, versionTarget } from "../prediction-target.ts";
import { destroyConnection, jsonBody, webhookFields } from "../request-body.ts";
import { parseCancelAfter, parsePreferWait } from "../sync-headers.ts";
import { waitUntilDone } from "../wait-for-prediction.ts";

type Resolve = (body: Record<string, unknown>) => Target;

export function predictionCreateRoutes(state: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  const named = (c: Context) => `${c.req.param("owner")}/${c.req.param("name")}`;
  app.post("/predictions", (c) => create(c, state, (body) => versionTarget(state.catalog, body.version)));
  app.post("/models/:owner/:name/predictions", (c) =>
    create(c, state, () => modelTarget(state.catalog, named(c))),
  );
  app.post("/deployments/:owner/:name/predictions", (c) =>
    create(c, state, () => deploymentTarget(state.catalog, named(c))),
  );
  return app;
}

async function create(c: Context<FakeEnv>, state: FakeState, resolve: Resolve): Promise<Response> {
  const body = await jsonBody(c);
  if (state.faults.take("resetBefore")) return destroyConnection(c);
  const wait = parsePreferWait(c.req.header("prefer"));
  const cancelAfterMs = parseCancelAfter(c.req.header("cancel-after"));
  const { model, version, shownVersion, deployment } = resolve(body);
  const webhook = webhookFields(body);
  state.validator.check(version, "Input", body.input);
  const record = state.predictions.add(
    newRecord(
      {
        kind: "prediction",
        model: version.model,
        version: shownVersion,
        versionId: version.id,
        deployment,
        input: body.input,
        ...webhook,
        streamToken: version.behaviour === "llm" ? urlToken() : null,
      },
      cancelAfterMs,
    ),
  );
  model.runCount++;
  state.runner.start(record);
  if (state.faults.take("resetAfter")) return destroyConnection(c);
  let timedOut = false;
  if (wait) {
    c.header("Preference-Applied", wait.applied);
    timedOut = !(await waitUntilDone(record, wait.ms, state.events, state.scheduler));
  }
  const json = predictionJson(record, state.view);
  // Both official clients take anything but "starting" as final (reference/replicate.md §0.2).
  if (timedOut) json.status = "starting";
  return c.json(json, 201);
}
