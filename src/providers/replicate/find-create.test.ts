import { describe, expect, it } from "vitest";
import { inputKey } from "./create-journal.ts";
import { pickCreate } from "./find-create.ts";
import type { UpstreamPrediction } from "./schemas.ts";

const VERSION = "a".repeat(64);

function upstream(id: string, fields: Partial<UpstreamPrediction> = {}): UpstreamPrediction {
  return {
    id,
    status: "starting",
    model: "fake/sdxl",
    version: VERSION,
    input: { prompt: "a cat" },
    created_at: "2025-01-01T00:00:10Z",
    ...fields,
  };
}

const intent = (input: unknown, target = `version:fake/sdxl:${VERSION}`) => ({
  at: Date.parse("2025-01-01T00:00:00Z"),
  target,
  key: inputKey(input),
});
const nobody = () => false;

describe("pickCreate", () => {
  it("matches the webhook marker, whatever the input", () => {
    const results = [
      upstream("other", { webhook: "https://gg.example.com/hooks/replicate?prediction=p2" }),
      upstream("mine", { webhook: "https://gg.example.com/hooks/replicate?prediction=p1", input: {} }),
    ];
    expect(pickCreate(results, "p1", [], nobody)?.id).toBe("mine");
    expect(pickCreate(results, "p3", [intent({ prompt: "a cat" })], nobody)).toBeNull();
  });

  it("without webhooks, matches identical input and target, oldest first", () => {
    const results = [
      upstream("newer", { created_at: "2025-01-01T00:00:20Z" }),
      upstream("older", { input: { prompt: "a cat" }, created_at: "2025-01-01T00:00:05Z" }),
      upstream("different-input", { input: { prompt: "a dog" } }),
      upstream("different-version", { version: "b".repeat(64) }),
    ];
    expect(pickCreate(results, "p1", [intent({ prompt: "a cat" })], nobody)?.id).toBe("older");
  });

  it("compares input regardless of key order, and official models by name", () => {
    const input = { prompt: "x", num_outputs: 1 };
    const results = [upstream("r1", { model: "fake-official/flux", version: "hidden", input })];
    const reordered = { num_outputs: 1, prompt: "x" };
    expect(pickCreate(results, "p1", [intent(reordered, "model:fake-official/flux")], nobody)?.id).toBe("r1");
    expect(pickCreate(results, "p1", [intent(reordered, "model:fake-official/other")], nobody)).toBeNull();
  });

  it("skips predictions that belong to another gengate prediction", () => {
    const results = [upstream("taken", { created_at: "2025-01-01T00:00:01Z" }), upstream("free")];
    const owned = (id: string) => id === "taken";
    expect(pickCreate(results, "p1", [intent({ prompt: "a cat" })], owned)?.id).toBe("free");
  });

  it("finds nothing without a marker or an intent", () => {
    expect(pickCreate([upstream("r1")], "p1", [], nobody)).toBeNull();
  });
});
