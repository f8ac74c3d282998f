import { describe, expect, it } from "vitest";
import { isOutputFile, type OutputFile } from "../provider.ts";
import { inputKey } from "./create-journal.ts";
import { pickTraining } from "./find-training.ts";
import type { UpstreamPrediction } from "./schemas.ts";
import { trainingPollMs, trainingStatus } from "./training-status.ts";
import { encodeTrainingTarget, parseTrainerRef, parseTrainingTarget } from "./training-target.ts";

const VERSION = "a".repeat(64);
const TRAINER = "ostris/flux-dev-lora-trainer";
const input = { input_images: "https://api.replicate.com/v1/files/f1", steps: 8 };

function training(id: string, fields: Partial<UpstreamPrediction> = {}): UpstreamPrediction {
  return {
    id,
    status: "processing",
    model: TRAINER,
    version: VERSION,
    input,
    created_at: "2025-01-01T00:00:10Z",
    ...fields,
  };
}

const intent = (destination = "me/lora-a", key = inputKey(input)) => ({
  at: Date.parse("2025-01-01T00:00:00Z"),
  target: encodeTrainingTarget({ trainer: TRAINER, version: VERSION, destination }),
  key,
});
const nobody = () => false;

describe("trainer references", () => {
  it("take a name, a pinned version, or a descriptor's providerModel", () => {
    expect(parseTrainerRef(TRAINER)).toEqual({ owner: "ostris", name: "flux-dev-lora-trainer" });
    expect(parseTrainerRef(`${TRAINER}:${VERSION}`)).toEqual({
      owner: "ostris",
      name: "flux-dev-lora-trainer",
      version: VERSION,
    });
    expect(parseTrainerRef(`version:${TRAINER}:${VERSION}`).version).toBe(VERSION);
    expect(parseTrainerRef("model:acme/trainer")).toEqual({ owner: "acme", name: "trainer" });
    expect(() => parseTrainerRef("trainer")).toThrow(/is not a Replicate trainer/);
  });

  it("are recorded in the journal with the destination, and read back", () => {
    const target = { trainer: TRAINER, version: VERSION, destination: "me/lora-a" };
    expect(parseTrainingTarget(encodeTrainingTarget(target))).toEqual(target);
    expect(parseTrainingTarget(`version:${TRAINER}:${VERSION}`)).toBeNull();
  });
});

describe("pickTraining", () => {
  it("matches the webhook marker, whatever the input", () => {
    const results = [
      training("other", { webhook: "https://gg.example.com/hooks/replicate?training=t2" }),
      training("mine", { webhook: "https://gg.example.com/hooks/replicate?training=t1", input: {} }),
    ];
    expect(pickTraining(results, "t1", [], nobody)?.id).toBe("mine");
    expect(pickTraining(results, "t3", [intent()], nobody)).toBeNull();
  });

  it("without webhooks, matches trainer version and input, oldest first, skipping others' work", () => {
    const results = [
      training("newer", { created_at: "2025-01-01T00:00:20Z" }),
      training("taken", { created_at: "2025-01-01T00:00:01Z" }),
      training("older", { created_at: "2025-01-01T00:00:05Z" }),
      training("other-input", { input: { ...input, steps: 9 } }),
      training("other-trainer", { version: "b".repeat(64), created_at: "2025-01-01T00:00:00Z" }),
      training("prediction-marked", { webhook: "https://gg/hooks/replicate?prediction=p1" }),
    ];
    expect(pickTraining(results, "t1", [intent()], (id) => id === "taken")?.id).toBe("older");
  });

  it("never adopts a training that made a version of another destination", () => {
    const output = { version: `me/lora-b:${VERSION}`, weights: "https://replicate.delivery/x/w.tar" };
    const results = [training("elsewhere", { status: "succeeded", output })];
    expect(pickTraining(results, "t1", [intent("me/lora-a")], nobody)).toBeNull();
    expect(pickTraining(results, "t1", [intent("me/lora-b")], nobody)?.id).toBe("elsewhere");
  });

  it("finds nothing without a marker or an intent", () => {
    expect(pickTraining([training("r1")], "t1", [], nobody)).toBeNull();
  });
});

describe("trainingStatus", () => {
  const context = { webhooked: false, createdAt: 0, webhookPollMs: 30_000 };

  it("maps a succeeded training to its version and a weights file", async () => {
    const output = {
      version: `me/lora-a:${VERSION}`,
      weights: "https://replicate.delivery/x/trained_model.tar",
    };
    const status = trainingStatus(training("t", { status: "succeeded", output, logs: "done\n" }), context);
    expect(status.state).toBe("succeeded");
    expect(status.logs).toBe("done\n");
    const mapped = status.output as { version: string; weights: OutputFile };
    expect(mapped.version).toBe(`me/lora-a:${VERSION}`);
    expect(isOutputFile(mapped.weights)).toBe(true);
    expect([mapped.weights.extension, mapped.weights.contentType]).toEqual(["tar", "application/x-tar"]);
  });

  it("fails a success without version and weights, or whose data is gone", () => {
    const noVersion = trainingStatus(
      training("t", { status: "succeeded", output: { weights: "x" } }),
      context,
    );
    expect(noVersion).toMatchObject({ state: "failed", error: expect.stringMatching(/without a version/) });
    const output = { version: `me/lora-a:${VERSION}`, weights: "https://replicate.delivery/w.tar" };
    const removed = trainingStatus(
      training("t", { status: "succeeded", output, data_removed: true }),
      context,
    );
    expect(removed).toMatchObject({ state: "failed", error: "output expired before it could be stored" });
  });

  it("says why a training failed, and keeps no partial output", () => {
    expect(trainingStatus(training("t", { status: "failed", error: null }), context).error).toBe(
      "training failed on Replicate",
    );
    expect(trainingStatus(training("t", { status: "failed", error: "CUDA OOM" }), context).error).toBe(
      "CUDA OOM",
    );
    expect(trainingStatus(training("t", { status: "aborted" }), context).state).toBe("canceled");
    const running = trainingStatus(training("t", { output: { version: "x" } }), context, 100_000);
    expect(running).toEqual({ state: "processing", nextPollMs: 10_000 });
  });

  it("polls trainings slowly, and rarely when a webhook is expected", () => {
    expect(trainingPollMs(0, context)).toBe(2_000);
    expect(trainingPollMs(600_000, context)).toBe(30_000);
    expect(trainingPollMs(0, { ...context, webhooked: true })).toBe(30_000);
  });
});
