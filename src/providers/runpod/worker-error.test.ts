import { describe, expect, it } from "vitest";
import { workerError } from "./worker-error.ts";

describe("workerError", () => {
  it("reads runpod-python's JSON error string", () => {
    const error = JSON.stringify({
      error_type: "<class 'RuntimeError'>",
      error_message: "CUDA error: out of memory",
      error_traceback: "Traceback …\nRuntimeError: CUDA error: out of memory",
      hostname: "h",
      worker_id: "w",
      runpod_version: "1.7.9",
    });
    expect(workerError(error)).toEqual({
      message: "CUDA error: out of memory",
      traceback: "Traceback …\nRuntimeError: CUDA error: out of memory\n",
    });
  });

  it("takes a plain message, a JSON string, or any returned value", () => {
    expect(workerError("Invalid parameter: width must be divisible by 64").message).toBe(
      "Invalid parameter: width must be divisible by 64",
    );
    expect(workerError('"quoted"').message).toBe("quoted");
    expect(workerError({ width: ["too big"] }).message).toBe('{"width":["too big"]}');
    expect(workerError(undefined).message).toBe("the worker failed without a message");
  });

  it("clips long messages and redacts", () => {
    expect(workerError("x".repeat(5_000)).message).toHaveLength(1_001);
    expect(workerError("key sk-123 leaked", (text) => text.replace("sk-123", "[redacted]")).message).toBe(
      "key [redacted] leaked",
    );
  });
});
