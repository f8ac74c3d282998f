import { describe, expect, it } from "vitest";
import type { InputFile, ProviderContext } from "../provider.ts";
import { INLINE_LIMIT_BYTES, prepareInput, transferOf } from "./input-files.ts";
import { isReadableByUpstream } from "./public-url.ts";

describe("isReadableByUpstream", () => {
  it.each([
    ["https://example.com/cat.png", true],
    ["http://images.example.org/a.jpg", true],
    ["https://8.8.8.8/a.png", true],
    ["http://localhost:8080/files/a.png", false],
    ["http://127.0.0.1:3000/v1/files/abc", false],
    ["http://10.1.2.3/a.png", false],
    ["http://172.20.0.5/a.png", false],
    ["http://192.168.1.10/a.png", false],
    ["http://169.254.169.254/latest", false],
    ["http://[::1]:8080/a.png", false],
    ["http://[fd00::1]/a.png", false],
    ["http://gengate/a.png", false],
    ["http://printer.local/a.png", false],
    ["ftp://example.com/a.png", false],
  ])("%s → %s", (url, readable) => {
    expect(isReadableByUpstream(url, undefined)).toBe(readable);
  });

  it("does not count gengate's API files as readable, even on its public origin", () => {
    const origin = "https://gengate.example.com";
    expect(isReadableByUpstream(`${origin}/v1/files/abc`, origin)).toBe(false);
    expect(isReadableByUpstream(`${origin}/files/${"a".repeat(64)}.png`, origin)).toBe(true);
  });
});

describe("transferOf", () => {
  it("reads data URLs and private URLs, keeps public URLs and plain text", () => {
    expect(transferOf("data:image/png;base64,AAAA", undefined)).toBe("read");
    expect(transferOf("http://localhost:8080/v1/files/x", undefined)).toBe("read");
    expect(transferOf("https://example.com/a.png", undefined)).toBe("keep");
    expect(transferOf("a cat", undefined)).toBe("keep");
  });

  it("keeps files on Replicate's own API, whatever its host (its files API's urls.get)", () => {
    expect(transferOf("http://127.0.0.1:9/v1/files/f1", undefined, "http://127.0.0.1:9")).toBe("keep");
    expect(transferOf("http://127.0.0.1:8/v1/files/f1", undefined, "http://127.0.0.1:9")).toBe("read");
  });
});

describe("prepareInput", () => {
  const small = Buffer.alloc(1000, 1);
  const big = Buffer.alloc(INLINE_LIMIT_BYTES + 1, 2);
  const files: Record<string, InputFile> = {
    "http://localhost:9/v1/files/small": { data: small, contentType: "image/png" },
    "http://localhost:9/v1/files/big": { data: big, contentType: "image/jpeg" },
    [`data:image/png;base64,${small.toString("base64")}`]: { data: small, contentType: "image/png" },
    [`data:image/png;base64,${big.toString("base64")}`]: { data: big, contentType: "image/png" },
  };
  const read: string[] = [];
  const ctx: ProviderContext = {
    async readInput(url) {
      read.push(url);
      const file = files[url];
      if (!file) throw new Error(`cannot read ${url}`);
      return file;
    },
  };
  const uploaded: InputFile[] = [];
  const upload = async (file: InputFile) => {
    uploaded.push(file);
    return `https://api.replicate.com/v1/files/up${uploaded.length}`;
  };
  const fields = new Set(["image", "mask", "images"]);

  it("inlines small files as data URLs, uploads big ones and keeps public URLs and other fields", async () => {
    const smallData = `data:image/png;base64,${small.toString("base64")}`;
    const bigData = `data:image/png;base64,${big.toString("base64")}`;
    const input = await prepareInput(
      {
        prompt: "http://localhost:9/v1/files/small",
        image: "http://localhost:9/v1/files/small",
        mask: bigData,
        images: ["https://example.com/a.png", smallData, "http://localhost:9/v1/files/big"],
      },
      { fields, gengateOrigin: undefined, ctx, upload },
    );
    expect(input).toEqual({
      prompt: "http://localhost:9/v1/files/small",
      image: smallData,
      mask: "https://api.replicate.com/v1/files/up1",
      images: ["https://example.com/a.png", smallData, "https://api.replicate.com/v1/files/up2"],
    });
    expect(uploaded.map((file) => file.contentType)).toEqual(["image/png", "image/jpeg"]);
    expect(read).not.toContain("https://example.com/a.png");
  });

  it("with no schema, passes on a URL-looking string it cannot read", async () => {
    const input = await prepareInput(
      { note: "http://localhost:1/not-a-file", image: "http://localhost:9/v1/files/small" },
      { fields: "any", gengateOrigin: undefined, ctx, upload },
    );
    expect(input.note).toBe("http://localhost:1/not-a-file");
    expect(String(input.image)).toMatch(/^data:image\/png;base64,/);
  });

  it("fails when a declared file field cannot be read", async () => {
    await expect(
      prepareInput(
        { image: "http://localhost:1/missing.png" },
        { fields, gengateOrigin: undefined, ctx, upload },
      ),
    ).rejects.toThrow("cannot read");
  });
});
