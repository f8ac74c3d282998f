import { describe, expect, it } from "vitest";
import { isOutputFile, type OutputFile } from "../provider.ts";
import { startResultOf } from "./create.ts";
import type { ReplicateOperation } from "./operation.ts";
import type { UpstreamPrediction } from "./schemas.ts";
import { mapOutput, nextPollMs, toStatus } from "./status.ts";

const context = { textOutput: false, webhooked: false, createdAt: 0, webhookPollMs: 30_000 };
const prediction = (fields: Partial<UpstreamPrediction>): UpstreamPrediction => ({
  id: "r1",
  status: "processing",
  ...fields,
});

describe("mapOutput", () => {
  it("turns file URLs into output files, with type from the extension", () => {
    const [file] = mapOutput(["https://replicate.delivery/x/out-0.webp"], false) as OutputFile[];
    expect(isOutputFile(file)).toBe(true);
    expect([file?.contentType, file?.extension]).toEqual(["image/webp", "webp"]);
    const nested = mapOutput({ weights: "https://replicate.delivery/w.tar", steps: 3 }, false) as Record<
      string,
      unknown
    >;
    expect(isOutputFile(nested.weights)).toBe(true);
    expect(nested.steps).toBe(3);
  });

  it("leaves text alone: token lists, text models, plain strings", () => {
    const tokens = ["See", " https://example.com", " now"];
    expect(mapOutput(tokens, false)).toEqual(tokens);
    expect(mapOutput(["https://example.com/a.png"], true)).toEqual(["https://example.com/a.png"]);
    expect(mapOutput("hello", false)).toBe("hello");
  });

  it("decodes data URL outputs", async () => {
    const file = mapOutput("data:image/png;base64,iVBORw==", false) as OutputFile;
    expect([file.contentType, file.extension]).toEqual(["image/png", "png"]);
    expect(Buffer.from((await file.open()) as Uint8Array).toString("base64")).toBe("iVBORw==");
  });
});

describe("toStatus", () => {
  it("maps a success with logs, metrics and outputs", () => {
    const status = toStatus(
      prediction({
        status: "succeeded",
        output: ["https://replicate.delivery/a.png"],
        logs: "step 1\n",
        metrics: { predict_time: 1.5 },
      }),
      context,
    );
    expect(status.state).toBe("succeeded");
    expect(status.logs).toBe("step 1\n");
    expect(status.metrics).toEqual({ predict_time: 1.5 });
    expect(isOutputFile((status.output as unknown[])[0])).toBe(true);
    expect(status.nextPollMs).toBeUndefined();
  });

  it("keeps a language model's token counts", () => {
    const metrics = {
      predict_time: 0.8,
      input_token_count: 12,
      output_token_count: 64,
      time_to_first_token: 0.1,
    };
    const status = toStatus(prediction({ status: "succeeded", output: ["Hi"], metrics }), context);
    expect(status.metrics).toEqual({ predict_time: 0.8, input_token_count: 12, output_token_count: 64 });
  });

  it("maps aborted to canceled with a reason, and failures with their error", () => {
    expect(toStatus(prediction({ status: "aborted" }), context)).toEqual({
      state: "canceled",
      error: "deadline passed before start",
    });
    expect(toStatus(prediction({ status: "failed", error: "CUDA OOM" }), context).error).toBe("CUDA OOM");
    expect(toStatus(prediction({ status: "failed", error: null }), context).error).toBe(
      "prediction failed on Replicate",
    );
  });

  it("never succeeds once the outputs were removed", () => {
    expect(toStatus(prediction({ status: "succeeded", output: null, data_removed: true }), context)).toEqual({
      state: "failed",
      error: "output expired before it could be stored",
    });
  });

  it("asks to be polled again while running", () => {
    const status = toStatus(prediction({ status: "starting" }), { ...context, createdAt: 1000 }, 1200);
    expect([status.state, status.nextPollMs]).toEqual(["starting", 500]);
  });
});

describe("nextPollMs", () => {
  it("starts at 500 ms and grows with age to 5 s; with webhooks it waits for them", () => {
    const polled = { webhooked: false, webhookPollMs: 30_000 };
    expect(nextPollMs(0, polled)).toBe(500);
    expect(nextPollMs(20_000, polled)).toBe(2000);
    expect(nextPollMs(600_000, polled)).toBe(5000);
    expect(nextPollMs(0, { webhooked: true, webhookPollMs: 30_000 })).toBe(30_000);
  });
});

describe("startResultOf", () => {
  const facts = { webhooked: true, textOutput: false, createdAt: 0 };
  const options = { waited: true, webhookPollMs: 30_000 };

  it("takes a waited create that answered processing with its outputs as final", () => {
    const answer = prediction({ status: "processing", output: ["https://replicate.delivery/a.png"] });
    const started = startResultOf(answer, facts, options);
    expect(started.nextPollMs).toBe(0);
    expect(toStatus((started.operation as ReplicateOperation).final ?? answer, context).state).toBe(
      "succeeded",
    );
  });

  it("otherwise waits for the webhook before the first poll", () => {
    const started = startResultOf(prediction({ status: "starting" }), facts, options);
    expect((started.operation as ReplicateOperation).final).toBeUndefined();
    expect(started.nextPollMs).toBe(30_000);
    expect(startResultOf(prediction({ status: "processing" }), facts, options).nextPollMs).toBe(30_000);
  });
});
