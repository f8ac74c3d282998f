/**
 * The rest of Replicate's API through the official `replicate` client, unchanged (issue 20 §6):
 * the account, making a model and training into it, model search, deployments, collections and
 * hardware. With Replicate configured they pass through to it (the fake); without, the platform's
 * own lists are a clear 404, which the client does not retry.
 */
import Replicate, { type ApiError } from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles, zipOf } from "../src/engine/training/photos/test-fixtures.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { specErrors } from "./fakes/replicate/openapi-spec.ts";
import { newTenant, startGateway, type TestGateway } from "./support/gateway.ts";

let fake: FakeReplicate;
/** Only the simulator: models gengate keeps itself. */
let local: TestGateway;
/** Replicate (the fake) configured, beside the simulator. */
let passing: TestGateway;
/** A zip of photos uploaded to each gateway, to train with. */
const zipUrls = new Map<TestGateway, string>();
/** Every request the clients below send, by gateway. */
const sent: string[] = [];

const clientOf = (gateway: TestGateway, token = gateway.token) =>
  new Replicate({
    auth: token,
    baseUrl: `${gateway.url}/v1`,
    fetch: (input, init) => {
      sent.push(`${init?.method ?? "GET"} ${String(input)}`);
      return fetch(input, init);
    },
  });

/** The fake's own answer to `path`, to compare what gengate passed through with. */
const upstream = async (path: string) =>
  (await fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${fake.token}` } })).json();

/** The API error the client threw, with its status and problem body. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const error = (await call.then(
    () => {
      throw new Error("expected a refusal");
    },
    (thrown: unknown) => thrown,
  )) as ApiError;
  // The client read the body into its message: "… failed with status 404 Not Found: {…}."
  const body = /failed with status \d+[^:]*: (.*)\.$/s.exec(error.message)?.[1] ?? "{}";
  return { status: error.response.status, body: JSON.parse(body) };
}

const fieldsOf = (body: Record<string, unknown>) =>
  (body.invalid_fields as { field: string }[] | undefined)?.map(({ field }) => field);

async function settled(replicate: Replicate, id: string) {
  for (let training = await replicate.trainings.get(id); ; training = await replicate.trainings.get(id)) {
    if (["succeeded", "failed", "canceled"].includes(training.status)) return training;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  fake = await startFakeReplicate({ trainingMs: 200, latencyMs: { min: 10, max: 20 } });
  local = await startGateway({ GENGATE_SIM_TRAINING_MS: "200" });
  passing = await startGateway({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    GENGATE_SIM_TRAINING_MS: "200",
  });
  const zip = new Blob([new Uint8Array(await zipOf(await jpegFiles(4)))], { type: "application/zip" });
  for (const gateway of [local, passing])
    zipUrls.set(gateway, (await clientOf(gateway).files.create(zip)).urls.get);
});

afterAll(async () => {
  await local?.close();
  await passing?.close();
  await fake?.close();
});

describe("accounts.current()", () => {
  it("names the token, in Replicate's shape, with the owners it can make models as", async () => {
    const account = await clientOf(local).accounts.current();
    // `username` is the owner a client makes models as, so `models.create(account.username, …)` works.
    expect(account).toMatchObject({ type: "user", username: "sim-lora" });
    expect(specErrors("GET", "/account", 200, account)).toEqual([]);
    expect((account as unknown as { gengate: unknown }).gengate).toMatchObject({
      model_owners: [{ owner: "sim-lora", provider: "sim" }],
    });
    const withReplicate = await clientOf(passing).accounts.current();
    expect(withReplicate.username).toBe("fake-user");
    expect(
      (withReplicate as unknown as { gengate: { model_owners: unknown[] } }).gengate.model_owners,
    ).toEqual(
      expect.arrayContaining([
        { owner: "sim-lora", provider: "sim" },
        { owner: "fake-user", provider: "replicate" },
      ]),
    );
  });

  it("still answers when Replicate cannot be asked its account, and says so", async () => {
    const gateway = await startGateway({ REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url });
    try {
      fake.faults.errors5xx(1);
      const account = (await clientOf(gateway).accounts.current()) as unknown as {
        gengate: { model_owners: unknown[]; warnings?: string[] };
      };
      expect(account.gengate.model_owners).toEqual([{ owner: "sim-lora", provider: "sim" }]);
      expect(account.gengate.warnings).toEqual([expect.stringMatching(/Replicate .*account/)]);
      const asked = (await clientOf(gateway).accounts.current()) as unknown as typeof account;
      expect(asked.gengate.model_owners).toContainEqual({ owner: "fake-user", provider: "replicate" });
      expect(asked.gengate.warnings).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});
describe("models.create() then a training into it", () => {
  it("on the simulator: a model gengate keeps, trained by sim/lora-trainer, then run", async () => {
    const replicate = clientOf(local);
    const made = await replicate.models.create((await replicate.accounts.current()).username, "made-here", {
      visibility: "private",
      hardware: "cpu",
      description: "made through gengate",
    });
    expect(made).toMatchObject({ owner: "sim-lora", name: "made-here", latest_version: null });
    expect(specErrors("POST", "/models", 201, made)).toEqual([]);
    expect(await replicate.models.get("sim-lora", "made-here")).toEqual(made);
    expect((await replicate.models.versions.list("sim-lora", "made-here")).results).toEqual([]);

    // The trainer publishes what it takes.
    const trainer = await replicate.models.get("sim", "lora-trainer");
    const schemas = trainer.latest_version?.openapi_schema as {
      components: { schemas: { TrainingInput: { required: string[]; properties: object } } };
    };
    expect(schemas.components.schemas.TrainingInput.required).toEqual(["input_images"]);
    expect(Object.keys(schemas.components.schemas.TrainingInput.properties)).toContain("trigger_word");

    const created = await replicate.trainings.create(
      "sim",
      "lora-trainer",
      trainer.latest_version?.id ?? "",
      {
        destination: "sim-lora/made-here",
        input: { input_images: zipUrls.get(local), trigger_word: "HERE", steps: 10 },
      },
    );
    const done = await settled(replicate, created.id);
    expect(done.status).toBe("succeeded");
    const version = (done.output as { version: string }).version;
    expect(version).toMatch(/^sim-lora\/made-here:[a-f0-9]{64}$/);
    expect((await replicate.models.get("sim-lora", "made-here")).latest_version?.id).toBe(
      version.split(":")[1],
    );
    const output = await replicate.run(version as `${string}/${string}:${string}`, {
      input: { prompt: "HERE", width: 64, height: 64 },
    });
    expect(output).toHaveLength(1);
  });

  it("with Replicate configured: made at Replicate, and a training of a Replicate trainer pushes to it", async () => {
    const replicate = clientOf(passing);
    const made = await replicate.models.create(
      (await replicate.accounts.current()).username,
      "through-gengate",
      {
        visibility: "private",
        hardware: "gpu-t4",
      },
    );
    expect(made).toEqual(await upstream("/models/fake-user/through-gengate"));
    expect(specErrors("POST", "/models", 201, made)).toEqual([]);
    const trainer = await replicate.models.get("fake", "trainer");
    const created = await replicate.trainings.create("fake", "trainer", trainer.latest_version?.id ?? "", {
      destination: "fake-user/through-gengate",
      input: { input_images: zipUrls.get(passing), steps: 10 },
    });
    const done = await settled(replicate, created.id);
    expect([done.status, done.error]).toEqual(["succeeded", null]);
    expect((done.output as { version: string }).version).toMatch(/^fake-user\/through-gengate:/);
  });

  it("refuses what Replicate refuses, each with the field named, and makes nothing", async () => {
    const replicate = clientOf(local);
    const fields = { visibility: "private", hardware: "cpu" } as const;
    const cases: [() => Promise<unknown>, number, string][] = [
      [() => replicate.models.create("someone", "x", fields), 403, "owner"],
      [() => replicate.models.create("sim-lora", "Not A Name", fields), 422, "name"],
      [() => replicate.models.create("sim-lora", "-dash", fields), 422, "name"],
      [
        () => replicate.models.create("sim-lora", "vis", { ...fields, visibility: "secret" as "private" }),
        422,
        "visibility",
      ],
      [() => replicate.models.create("sim-lora", "gpu", { ...fields, hardware: "gpu-t4" }), 422, "hardware"],
      [
        () => replicate.models.create("sim-lora", "no-hw", { visibility: "private" } as typeof fields),
        422,
        "hardware",
      ],
      [
        () => replicate.models.create("sim-lora", "extra", { ...fields, readme: "x" } as typeof fields),
        422,
        "body",
      ],
      [
        () => replicate.models.create("sim-lora", "link", { ...fields, github_url: "ftp://example.com" }),
        422,
        "github_url",
      ],
    ];
    for (const [call, status, field] of cases) {
      const { status: got, body } = await refusal(call());
      expect([got, fieldsOf(body)], JSON.stringify(body)).toEqual([status, [field]]);
    }
    for (const name of ["x", "not-a-name", "-dash", "vis", "gpu", "no-hw", "extra", "link"]) {
      expect(await local.engine.models.get(`sim-lora/${name}`)).toBeNull();
    }
  });

  it("at Replicate, Replicate's own refusal of a field comes back naming it", async () => {
    const { status, body } = await refusal(
      clientOf(passing).models.create("fake-user", "odd-hardware", {
        visibility: "private",
        hardware: "gpu-nope",
      }),
    );
    expect([status, fieldsOf(body)]).toEqual([422, ["hardware"]]);
    expect(await passing.engine.models.get("fake-user/odd-hardware")).toBeNull();
  });

  it("a name taken is a 409, here and at Replicate", async () => {
    const fields = { visibility: "private", hardware: "cpu" } as const;
    await clientOf(local).models.create("sim-lora", "twice", fields);
    expect((await refusal(clientOf(local).models.create("sim-lora", "twice", fields))).status).toBe(409);
    // Made at Replicate without gengate: Replicate's own 409 comes back.
    await fetch(`${fake.url}/models`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        owner: "fake-user",
        name: "made-outside",
        visibility: "private",
        hardware: "cpu",
      }),
    });
    const outside = await refusal(
      clientOf(passing).models.create("fake-user", "made-outside", {
        visibility: "private",
        hardware: "cpu",
      }),
    );
    expect(outside.status).toBe(409);
    expect(await passing.engine.models.get("fake-user/made-outside")).toBeNull();
  });
});

describe("a training's destination", () => {
  it("is refused at create when it does not exist or is not the caller's (404/403), as Replicate does", async () => {
    const replicate = clientOf(local);
    const trainer = (await replicate.models.get("sim", "lora-trainer")).latest_version?.id ?? "";
    const train = (client: Replicate, destination: string) =>
      client.trainings.create("sim", "lora-trainer", trainer, {
        destination: destination as `${string}/${string}`,
        input: { input_images: zipUrls.get(local) },
      });
    const other = await newTenant(local, "other");
    await clientOf(local).models.create("sim-lora", "admins-own", { visibility: "private", hardware: "cpu" });
    const before = (await replicate.trainings.list()).results.length;
    for (const [client, destination, status] of [
      [replicate, "sim-lora/never-made", 404],
      [replicate, "someone/else", 403],
      [clientOf(local, other.token), "sim-lora/admins-own", 404],
    ] as const) {
      const { status: got, body } = await refusal(train(client, destination));
      expect([got, fieldsOf(body)], destination).toEqual([status, ["destination"]]);
    }
    expect((await replicate.trainings.list()).results).toHaveLength(before);
  });

  it("at Replicate is looked up there before anything is created", async () => {
    const replicate = clientOf(passing);
    const trainer = (await replicate.models.get("fake", "trainer")).latest_version?.id ?? "";
    fake.reset();
    const { status, body } = await refusal(
      replicate.trainings.create("fake", "trainer", trainer, {
        destination: "fake-user/never-made",
        input: { input_images: zipUrls.get(passing) },
      }),
    );
    expect([status, fieldsOf(body)]).toEqual([404, ["destination"]]);
    expect(fake.requests.filter((r) => r.method === "POST")).toEqual([]);
  });
});

describe("models.search()", () => {
  it("finds gengate's models, and Replicate's when it is configured", async () => {
    const found = await clientOf(local).models.search("image");
    const names = found.results.map((model) => `${model.owner}/${model.name}`);
    expect(names).toContain("sim/image");
    expect(names).not.toContain("fake/sdxl");
    expect(specErrors("QUERY", "/models", 200, found)).toEqual([]);

    const both = await clientOf(passing).models.search("text-to-image");
    const bothNames = both.results.map((model) => `${model.owner}/${model.name}`);
    expect(bothNames).toContain("fake/sdxl");
    expect(specErrors("QUERY", "/models", 200, both)).toEqual([]);
  });

  it("finds the caller's own made models, and nobody else's", async () => {
    await clientOf(local).models.create("sim-lora", "searchable-one", {
      visibility: "private",
      hardware: "cpu",
      description: "zebra stripes",
    });
    const own = await clientOf(local).models.search("zebra");
    expect(own.results.map((model) => model.name)).toEqual(["searchable-one"]);
    const other = await newTenant(local, "searcher");
    expect((await clientOf(local, other.token).models.search("zebra")).results).toEqual([]);
  });

  it("refuses an empty query", async () => {
    const { status, body } = await refusal(clientOf(local).models.search(" "));
    expect([status, fieldsOf(body)]).toEqual([422, ["query"]]);
  });
});

describe("deployments, collections and hardware", () => {
  it("pass through to Replicate when it is configured", async () => {
    const replicate = clientOf(passing);
    const deployments = await replicate.deployments.list();
    expect(deployments).toEqual(await upstream("/deployments"));
    expect(specErrors("GET", "/deployments", 200, deployments)).toEqual([]);
    const deployment = await replicate.deployments.get("fake", "sdxl-deploy");
    expect(deployment).toEqual(await upstream("/deployments/fake/sdxl-deploy"));
    const collections = await replicate.collections.list();
    expect(collections).toEqual(await upstream("/collections"));
    expect(specErrors("GET", "/collections", 200, collections)).toEqual([]);
    const collection = await replicate.collections.get("text-to-image");
    expect(collection.models?.map((model) => model.name)).toEqual(["flux-schnell", "sdxl"]);
    expect(specErrors("GET", "/collections/{collection_slug}", 200, collection)).toEqual([]);
    const hardware = await replicate.hardware.list();
    expect(hardware).toContainEqual({ name: "CPU", sku: "cpu" });
    expect(specErrors("GET", "/hardware", 200, hardware)).toEqual([]);
    // Replicate's own refusals: a cursor it never gave, and what it does not have.
    const badCursor = await passing.api("/v1/deployments?cursor=bm90LWEtY3Vyc29y");
    expect(badCursor.status).toBe(400);
    expect((await refusal(replicate.deployments.get("fake", "nothing"))).status).toBe(404);
    expect((await refusal(replicate.collections.get("nothing"))).status).toBe(404);
  });

  it("are a clear 404 without Replicate, which the client does not retry", async () => {
    const replicate = clientOf(local);
    for (const [call, path] of [
      [() => replicate.deployments.list(), "/v1/deployments"],
      [() => replicate.deployments.get("fake", "sdxl-deploy"), "/v1/deployments/fake/sdxl-deploy"],
      [() => replicate.collections.list(), "/v1/collections"],
      [() => replicate.collections.get("text-to-image"), "/v1/collections/text-to-image"],
      [() => replicate.hardware.list(), "/v1/hardware"],
    ] as const) {
      sent.length = 0;
      const { status, body } = await refusal(call());
      expect(status, path).toBe(404);
      expect(String(body.detail)).toContain("Replicate is not configured (set REPLICATE_API_TOKEN)");
      expect(sent).toEqual([`GET ${local.url}${path}`]);
    }
  });
});
