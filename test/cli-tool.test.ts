/**
 * `gengate tool`, run as a child process against a real gengate. sim/image stands in for the image
 * tools (it takes `image` and `mask`: an img2img run), also behind the alias `sim-tool`, so no
 * model runs. The local tools are off, so no provider serves the built-in `upscale` alias here.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "./support/cli-process.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";

const SMALL = ["--param", "width=64", "--param", "height=64"];

interface PredictionJson {
  id: string;
  model: string;
  status: string;
  input: Record<string, unknown>;
  error: string | null;
}

interface FileJson {
  id: string;
  name: string;
  content_type: string;
  size: number;
  urls: { get: string };
}

let gateway: TestGateway;
let clientEnv: NodeJS.ProcessEnv;
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gengate-cli-tool-"));
  temps.push(dir);
  return dir;
}

/** Env for the CLI without whatever GENGATE_* the developer's shell has. */
const gengate = (args: string[], cwd: string) => runCli(args, { cwd, env: clientEnv });

async function getJson<T>(path: string): Promise<T> {
  const response = await gateway.api(path);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function predictions(): Promise<PredictionJson[]> {
  return (await getJson<{ results: PredictionJson[] }>("/v1/predictions")).results;
}

async function files(): Promise<FileJson[]> {
  return (await getJson<{ results: FileJson[] }>("/v1/files")).results;
}

/** The one prediction whose prompt is `prompt`: each test uses its own. */
async function predictionWithPrompt(prompt: string): Promise<PredictionJson> {
  const found = (await predictions()).filter((p) => p.input.prompt === prompt);
  expect(found).toHaveLength(1);
  return found[0] as PredictionJson;
}

/** The uploaded file an input URL names, read back through the files API. */
async function uploadedFile(url: unknown): Promise<FileJson> {
  expect(url).toEqual(expect.stringMatching(new RegExp(`^${gateway.url}/v1/files/[a-z0-9]+$`)));
  return getJson<FileJson>(new URL(url as string).pathname);
}

/** A small PNG: a colour square, or a mask (white on the left half, black on the right). */
async function writePng(path: string, kind: "photo" | "mask" = "photo"): Promise<void> {
  const size = 32;
  const pixels = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const left = i % size < size / 2;
    const rgb = kind === "mask" ? (left ? [255, 255, 255] : [0, 0, 0]) : [200, 80, 40];
    pixels.set(rgb, i * 3);
  }
  await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toFile(path);
}

/** An alias for a tool the simulator plays, as an operator's configuration file could add one. */
const CONFIG = {
  models: {
    "sim-tool": {
      targets: [
        {
          provider: "sim",
          model: "sim/image",
          capabilities: { referenceImage: true, mask: true },
          params: { reference_image: "image" },
        },
      ],
    },
  },
};

beforeAll(async () => {
  const configFile = join(await tempDir(), "gengate.config.json");
  await writeFile(configFile, JSON.stringify(CONFIG));
  gateway = await startGateway({
    GENGATE_CONFIG: configFile,
    GENGATE_SIM_LATENCY: "100",
    LOCAL_TOOLS: "off",
  });
  clientEnv = cliEnv({ GENGATE_URL: gateway.url, GENGATE_TOKEN: gateway.token });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("gengate tool", () => {
  it("uploads the input file, passes it as image and saves <input>-<tool>.<ext> in the current folder", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "photo.png"));
    const result = await gengate(
      ["tool", "sim/image", "photo.png", "--param", "prompt=plain", ...SMALL],
      cwd,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("photo-image.webp\n");
    expect((await readdir(cwd)).sort()).toEqual(["photo-image.webp", "photo.png"]);
    const meta = await sharp(join(cwd, "photo-image.webp")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 64, 64]);

    const prediction = await predictionWithPrompt("plain");
    expect(prediction).toMatchObject({ model: "sim/image", status: "succeeded" });
    expect(prediction.input).not.toHaveProperty("mask");
    const upload = await uploadedFile(prediction.input.image);
    expect(upload).toMatchObject({ name: "photo.png", content_type: "image/png" });
  });

  it("passes --mask as mask, and saves to -o", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "room.png"));
    await writePng(join(cwd, "holes.png"), "mask");
    const args = ["tool", "sim/image", "room.png", "--mask", "holes.png", "-o", "out.png"];
    const params = ["--param", "prompt=masked", "--param", "output_format=png", ...SMALL];
    const result = await gengate([...args, ...params], cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("out.png\n");
    const meta = await sharp(join(cwd, "out.png")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 64, 64]);

    const { input } = await predictionWithPrompt("masked");
    expect(await uploadedFile(input.image)).toMatchObject({ name: "room.png" });
    expect(await uploadedFile(input.mask)).toMatchObject({ name: "holes.png" });
  });

  it("numbers several outputs, and passes an http(s) input as it is, uploading nothing", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "source.png"));
    const form = new FormData();
    form.append("content", new Blob([await sharp(join(cwd, "source.png")).toBuffer()]), "source.png");
    const uploaded = (await (
      await gateway.api("/v1/files", { method: "POST", body: form })
    ).json()) as FileJson;
    const filesBefore = (await files()).length;

    const url = uploaded.urls.get;
    const params = ["--param", "prompt=by-url", "--param", "num_outputs=2", ...SMALL];
    const result = await gengate(["tool", "sim/image", url, ...params], cwd);
    expect(result.code, result.stderr).toBe(0);
    // The stem of a URL input is the last part of its path: here the file's id.
    const names = [`${uploaded.id}-image_1.webp`, `${uploaded.id}-image_2.webp`];
    expect(result.stdout).toBe(`${names.join("\n")}\n`);
    expect((await readdir(cwd)).sort()).toEqual([...names, "source.png"].sort());

    expect((await predictionWithPrompt("by-url")).input.image).toBe(url);
    expect(await files()).toHaveLength(filesBefore);
  });

  it("exits 1 with a clear message for a missing input file or mask, sending nothing", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "here.png"));
    const before = { predictions: (await predictions()).length, files: (await files()).length };

    const missing = await gengate(["tool", "sim/image", "nowhere.png", "--param", "prompt=missing"], cwd);
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toBe("gengate: input nowhere.png: no such file\n");

    const noMask = await gengate(["tool", "sim/image", "here.png", "--mask", "gone.png"], cwd);
    expect(noMask).toMatchObject({ code: 1, stdout: "" });
    expect(noMask.stderr).toBe("gengate: mask gone.png: no such file\n");

    const folder = await gengate(["tool", "upscale", "."], cwd);
    expect(folder).toMatchObject({ code: 1, stderr: "gengate: input .: not a file\n" });

    expect((await predictions()).length).toBe(before.predictions);
    expect((await files()).length).toBe(before.files);
    expect(await readdir(cwd)).toEqual(["here.png"]);
  });

  it("exits 1 with the error of a failed prediction, saving nothing", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "photo.png"));
    const params = ["--param", "prompt=doomed", "--param", "fail=true", ...SMALL];
    const result = await gengate(["tool", "sim/image", "photo.png", ...params], cwd);
    const prediction = await predictionWithPrompt("doomed");
    expect(prediction.status).toBe("failed");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`gengate: prediction ${prediction.id} failed: ${prediction.error}\n`);
    expect(await readdir(cwd)).toEqual(["photo.png"]);
  });

  it("resolves a name without a slash to the alias gengate/<name>, sending the image as reference_image", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "snap.png"));
    await writePng(join(cwd, "snap-mask.png"), "mask");
    const params = ["--param", "prompt=alias", ...SMALL];
    const result = await gengate(["tool", "sim-tool", "snap.png", "--mask", "snap-mask.png", ...params], cwd);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("snap-sim-tool.webp\n");
    expect((await sharp(join(cwd, "snap-sim-tool.webp")).metadata()).format).toBe("webp");

    const prediction = await predictionWithPrompt("alias");
    expect(prediction).toMatchObject({ model: "gengate/sim-tool", status: "succeeded" });
    expect(prediction.input).not.toHaveProperty("image");
    expect(await uploadedFile(prediction.input.reference_image)).toMatchObject({ name: "snap.png" });
    expect(await uploadedFile(prediction.input.mask)).toMatchObject({ name: "snap-mask.png" });
  });

  it("exits 1 with the server's reason when no provider serves the alias (upscale here)", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "tiny.png"));
    const before = (await predictions()).length;
    const result = await gengate(["tool", "upscale", "tiny.png"], cwd);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    // The server names the alias it was asked for, gengate/upscale, and the targets it tried.
    expect(result.stderr).toContain("gengate: no target of upscale can serve this request");
    expect(result.stderr).toContain("(local/upscale): provider not configured: local");
    expect((await predictions()).length).toBe(before);
    expect(await readdir(cwd)).toEqual(["tiny.png"]);
  });

  it("refuses a name that is neither a tool nor a model reference", async () => {
    const cwd = await tempDir();
    await writePng(join(cwd, "photo.png"));
    const result = await gengate(["tool", "no such tool", "photo.png"], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"no such tool" is neither a tool');
  });
});
