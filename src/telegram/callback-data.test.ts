import { describe, expect, it } from "vitest";
import { type ButtonAction, callbackData, parseCallbackData } from "./callback-data.ts";

describe("callback data", () => {
  const buttons: ButtonAction[] = [
    { action: "again", jobId: "Ab3_x-9" },
    { action: "vary", jobId: "Ab3_x-9" },
    { action: "try", jobId: "Ab3_x-9" },
    { action: "upscale", jobId: "Ab3_x-9", index: 2 },
    { action: "removebg", jobId: "Ab3_x-9", index: 0 },
    { action: "train" },
    { action: "model", model: "lora:anna" },
    { action: "model", model: "gengate/flux-dev" },
    { action: "aspect", ratio: "16:9" },
    { action: "count", count: 4 },
    { action: "buy", pack: 1 },
  ];

  it("reads back what it wrote, within Telegram's 64 bytes", () => {
    for (const button of buttons) {
      const data = callbackData(button);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCallbackData(data)).toEqual(button);
    }
  });

  it("refuses data it did not make", () => {
    for (const data of ["", "nope", "again:", "upscale:job", "upscale:job:-1", "count:x", "aspect:1"]) {
      expect(parseCallbackData(data)).toBeUndefined();
    }
  });
});
