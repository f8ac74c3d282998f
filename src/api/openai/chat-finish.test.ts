import { describe, expect, it } from "vitest";
import { chatFinishReason } from "./chat-finish.ts";

describe("chatFinishReason", () => {
  it("is gengate's own verdict when gengate ended the text", () => {
    expect(chatFinishReason("stop", "length", 10, 10)).toBe("stop");
    expect(chatFinishReason("length", "stop", 10, 10)).toBe("length");
  });

  it("is what the provider's finish part said, in OpenAI's words", () => {
    expect(chatFinishReason(undefined, "length", 3, 100)).toBe("length");
    expect(chatFinishReason(undefined, "stop", 100, 100)).toBe("stop");
    expect(chatFinishReason(undefined, "content-filter", 3, 100)).toBe("content_filter");
  });

  it("falls back to the token count when the provider did not say", () => {
    expect(chatFinishReason(undefined, "unknown", 100, 100)).toBe("length");
    expect(chatFinishReason(undefined, undefined, 3, 100)).toBe("stop");
    expect(chatFinishReason(undefined, "other", 3, Number.POSITIVE_INFINITY)).toBe("stop");
  });
});
