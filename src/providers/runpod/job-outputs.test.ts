import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutputFile } from "../provider.ts";
import { outputFiles } from "./job-outputs.ts";

const image = (format: "png" | "jpeg" | "webp") =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366aa" } })
    .toFormat(format)
    .toBuffer();

const bytesOf = async (file: OutputFile | undefined) => {
  const opened = await file?.open();
  return opened instanceof Uint8Array ? Buffer.from(opened) : buffer(opened as NodeJS.ReadableStream);
};

let server: ReturnType<typeof createServer>;
let origin: string;
const requests: Array<string | undefined> = [];

beforeAll(async () => {
  const jpeg = await image("jpeg");
  server = createServer((req, res) => {
    requests.push(req.headers.authorization);
    if (req.url?.startsWith("/gone")) res.writeHead(403).end("AccessDenied");
    else res.writeHead(200, { "content-type": "image/jpeg" }).end(jpeg);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("outputFiles", () => {
  it("decodes A1111's bare base64, typed by the bytes", async () => {
    const [png, webp] = await Promise.all([image("png"), image("webp")]);
    const files = outputFiles(
      { images: [png.toString("base64"), webp.toString("base64")], info: "{}" },
      "png",
    );
    expect(files.map((f) => [f.contentType, f.extension])).toEqual([
      ["image/png", "png"],
      ["image/webp", "webp"],
    ]);
    expect((await bytesOf(files[1])).equals(webp)).toBe(true);
  });

  it("reads worker-sdxl's data URLs once, ignoring its duplicate image_url", async () => {
    const url = `data:image/png;base64,${(await image("png")).toString("base64")}`;
    const files = outputFiles({ images: [url], image_url: url, seed: 1 }, "png");
    expect(files).toHaveLength(1);
    expect(files[0]?.contentType).toBe("image/png");
  });

  it("reads worker-comfyui's {type, data, filename} entries, base64 or URL", async () => {
    const png = (await image("png")).toString("base64");
    const files = outputFiles(
      {
        images: [
          { filename: "a.png", type: "base64", data: png },
          { filename: "b.jpg", type: "s3_url", data: `${origin}/bucket/b?X-Amz-Signature=s` },
        ],
      },
      "png",
    );
    expect(files.map((f) => f.extension)).toEqual(["png", "jpg"]);
    expect((await sharp(await bytesOf(files[1])).metadata()).format).toBe("jpeg");
    expect(requests.at(-1)).toBeUndefined(); // no API key sent to a file origin
  });

  it("reads Flux's image_url and runsync's [{image}] list, typed by name or format", () => {
    expect(outputFiles({ image_url: `${origin}/x/output.jpeg`, cost: 0.002 }, "png")[0]?.contentType).toBe(
      "image/jpeg",
    );
    expect(outputFiles([{ image: `${origin}/x/noext`, seed: 4 }], "webp")[0]?.extension).toBe("webp");
  });

  it("finds nothing in outputs without images", () => {
    expect(outputFiles({ detail: [{ msg: "bad" }] }, "png")).toEqual([]);
    expect(outputFiles({ status: "success_no_images", images: [] }, "png")).toEqual([]);
    expect(outputFiles(undefined, "png")).toEqual([]);
    expect(outputFiles({ images: ["not base64!"] }, "png")).toEqual([]);
  });

  it("fails a download the file origin refuses, without showing the URL's query", async () => {
    const [file] = outputFiles({ image_url: `${origin}/gone/output.png?token=secret` }, "png");
    await expect(file?.open()).rejects.toThrow(`downloading ${origin}/gone/output.png answered HTTP 403`);
    await expect(file?.open()).rejects.not.toThrow("secret");
  });
});
