import { describe, expect, it } from "vitest";
import { batchRequestBody, canonicalJson, idempotencyKey } from "./batch-request.ts";

const items = [{ input: { prompt: "a fox" } }, { model: "sim/text", input: { prompt: "hi" } }];

describe("batchRequestBody", () => {
  it("uses the defaults when neither the file nor a flag sets a field", () => {
    expect(batchRequestBody({ items }, {})).toEqual({
      model: "sim/image",
      items,
      name_template: "{index}_{slug}.{ext}",
    });
  });

  it("lets the flags win over the file's fields, merging --param into the file's input", () => {
    const file = {
      items,
      model: "a/file-model",
      input: { width: 64, height: 64 },
      name_template: "{index}.{ext}",
      concurrency: 2,
    };
    const flags = {
      model: "a/flag-model",
      param: { width: 128 },
      name: "{index:4}.{ext}",
      concurrency: 8,
      webhook: "https://example.com/hook",
    };
    expect(batchRequestBody(file, flags)).toEqual({
      model: "a/flag-model",
      input: { width: 128, height: 64 },
      items,
      name_template: "{index:4}.{ext}",
      concurrency: 8,
      webhook: "https://example.com/hook",
    });
    expect(batchRequestBody(file, {})).toMatchObject({ model: "a/file-model", concurrency: 2 });
  });
});

describe("idempotencyKey", () => {
  it("is the sha256 of the body with sorted keys, whatever order the keys came in", () => {
    const body = batchRequestBody({ items }, { param: { width: 64, height: 32 } });
    const reorderedItems = [{ input: { prompt: "a fox" } }, { input: { prompt: "hi" }, model: "sim/text" }];
    const reordered = batchRequestBody({ items: reorderedItems }, { param: { height: 32, width: 64 } });
    expect(idempotencyKey(reordered)).toBe(idempotencyKey(body));
    expect(idempotencyKey(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with anything in the body, including the order of the items", () => {
    const body = batchRequestBody({ items }, {});
    const keys = [
      idempotencyKey(body),
      idempotencyKey(batchRequestBody({ items: [...items].reverse() }, {})),
      idempotencyKey(batchRequestBody({ items }, { concurrency: 1 })),
      idempotencyKey(batchRequestBody({ items }, { param: { seed: 1 } })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("canonicalJson", () => {
  it("sorts the keys of nested objects and keeps arrays in order", () => {
    expect(canonicalJson({ b: [{ z: 1, a: null }, "x"], a: { d: true, c: 1.5 } })).toBe(
      '{"a":{"c":1.5,"d":true},"b":[{"a":null,"z":1},"x"]}',
    );
  });
});
