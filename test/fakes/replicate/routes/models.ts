/** Models and their versions: list, get, and create (destinations for trainings). */
import { type Context, Hono } from "hono";
import { ACCOUNT, HARDWARE } from "../builtin-models.ts";
import { modelJson, versionJson } from "../catalog-json.ts";
import type { FakeEnv, FakeState } from "../context.ts";
import { type InvalidField, validationProblem } from "../input-validation.ts";
import { page } from "../pagination.ts";
import { ApiProblem, notFound } from "../problem.ts";
import { jsonBody } from "../request-body.ts";

const NAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

function invalidModelFields(body: Record<string, unknown>): InvalidField[] {
  const invalid: InvalidField[] = [];
  for (const field of ["owner", "name", "visibility", "hardware"]) {
    if (typeof body[field] !== "string")
      invalid.push({ type: "required", field, description: `${field} is required` });
  }
  if (typeof body.name === "string" && !NAME.test(body.name)) {
    invalid.push({
      type: "pattern",
      field: "name",
      description: "name may contain only lowercase letters, numbers, dashes, underscores and periods",
    });
  }
  if (typeof body.visibility === "string" && !["public", "private"].includes(body.visibility)) {
    invalid.push({
      type: "enum",
      field: "visibility",
      description: 'visibility must be one of: "public", "private"',
    });
  }
  if (typeof body.hardware === "string" && !HARDWARE.some(({ sku }) => sku === body.hardware)) {
    invalid.push({
      type: "enum",
      field: "hardware",
      description: "hardware must be a SKU from GET /v1/hardware",
    });
  }
  return invalid;
}

export function modelRoutes({ catalog }: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  const found = (c: Context) => {
    const model = catalog.model(`${c.req.param("owner")}/${c.req.param("name")}`);
    if (!model) throw notFound("model");
    return model;
  };

  app.get("/models", (c) => c.json(page(c, catalog.models(), (model) => model.seq, modelJson)));

  app.post("/models", async (c) => {
    const body = await jsonBody(c);
    const invalid = invalidModelFields(body);
    if (invalid.length > 0) throw validationProblem(invalid);
    const { owner, name } = body as { owner: string; name: string };
    if (owner !== ACCOUNT.username) {
      throw new ApiProblem(403, {
        title: "Forbidden",
        detail: `You can only create models owned by ${ACCOUNT.username}, the account of this token`,
      });
    }
    if (catalog.model(`${owner}/${name}`)) {
      throw new ApiProblem(409, {
        title: "Conflict",
        detail: `A model named ${owner}/${name} already exists`,
      });
    }
    const text = (field: string) => (typeof body[field] === "string" ? (body[field] as string) : null);
    const model = catalog.createModel({
      owner,
      name,
      visibility: body.visibility as "public" | "private",
      hardware: String(body.hardware),
      description: text("description"),
      githubUrl: text("github_url"),
      paperUrl: text("paper_url"),
      licenseUrl: text("license_url"),
      coverImageUrl: text("cover_image_url"),
    });
    return c.json(modelJson(model), 201);
  });

  app.get("/models/:owner/:name", (c) => c.json(modelJson(found(c))));

  // Official models keep their versions hidden.
  app.get("/models/:owner/:name/versions", (c) => {
    const model = found(c);
    return c.json(page(c, model.isOfficial ? [] : model.versions, (version) => version.seq, versionJson));
  });

  app.get("/models/:owner/:name/versions/:id", (c) => {
    const version = found(c).versions.find(({ id }) => id === c.req.param("id"));
    if (!version) throw notFound("version");
    return c.json(versionJson(version));
  });

  return app;
}
