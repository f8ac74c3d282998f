import { describe, expect, it } from "vitest";
import { StopScanner } from "./chat-stop.ts";

function scan(stops: string[], tokens: string[]) {
  const scanner = new StopScanner(stops);
  const shown: string[] = [];
  for (const token of tokens) {
    const { text, stopped } = scanner.push(token);
    shown.push(text);
    if (stopped) return { shown, stopped: true };
  }
  return { shown: [...shown, scanner.flush()], stopped: false };
}

describe("StopScanner", () => {
  it("passes text through at once when it cannot begin a stop sequence", () => {
    expect(scan(["<|im_end|>"], ["Hello", " world"])).toEqual({
      shown: ["Hello", " world", ""],
      stopped: false,
    });
  });

  it("holds back what may begin a stop sequence, and drops the sequence and what follows", () => {
    expect(scan(["<|im_end|>"], ["Hi", " there<|im", "_end|> more"])).toEqual({
      shown: ["Hi", " there", ""],
      stopped: true,
    });
  });

  it("lets held text go once it turns out not to be a stop sequence", () => {
    expect(scan(["\nUser:"], ["a\n", "Us", "ually"])).toEqual({
      shown: ["a", "", "\nUsually", ""],
      stopped: false,
    });
  });

  it("stops at the first of several sequences", () => {
    expect(scan(["END", "STOP"], ["one STOP two END"])).toEqual({ shown: ["one "], stopped: true });
  });

  it("gives back a held tail when the text ends", () => {
    expect(scan(["END"], ["the EN"])).toEqual({ shown: ["the ", "EN"], stopped: false });
  });
});
