import { describe, expect, it } from "vitest";
import { interpret, SseParser } from "./sse.ts";

describe("SseParser", () => {
  it("parses events split anywhere across chunks", () => {
    const text =
      "event: output\nid: 1:0\ndata: Once\n\n: comment\nevent: output\ndata: upon\n\nevent: done\ndata: {}\n\n";
    for (let split = 0; split < text.length; split++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      expect(events).toEqual([
        { event: "output", data: "Once" },
        { event: "output", data: "upon" },
        { event: "done", data: "{}" },
      ]);
    }
  });

  it("joins data lines, keeps spaces after the first and handles CRLF", () => {
    const parser = new SseParser();
    const events = parser.push("event: output\r\ndata:  two\r\ndata: lines\r");
    expect(events).toEqual([]);
    expect(parser.push("\n\r\n")).toEqual([{ event: "output", data: " two\nlines" }]);
  });
});

describe("interpret", () => {
  it("maps output and logs, ends on done and throws on error", () => {
    expect(interpret({ event: "output", data: "hi" })).toEqual({ type: "output", data: "hi" });
    expect(interpret({ event: "logs", data: "step 1" })).toEqual({ type: "logs", data: "step 1" });
    expect(interpret({ event: "done", data: "{}" })).toBe("done");
    expect(interpret({ event: "message", data: "x" })).toBeNull();
    expect(() => interpret({ event: "error", data: '{"detail":"CUDA out of memory"}' })).toThrow(
      "Replicate stream failed: CUDA out of memory",
    );
  });
});
