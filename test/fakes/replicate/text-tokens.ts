/** What fake/llm says: a deterministic run of words picked by the prompt. */
import { createHash } from "node:crypto";

const WORDS = (
  "the light over a quiet harbor moves slowly and every boat answers with its own small sound " +
  "while gulls drift above warm stones below"
).split(" ");

/** `count` tokens; the first is capitalised, the others start with a space. */
export function textTokens(prompt: string, count: number): string[] {
  const hash = createHash("sha256").update(prompt).digest();
  return Array.from({ length: count }, (_, i) => {
    const word = WORDS[((hash[i % hash.length] ?? 0) + i * 7) % WORDS.length] ?? "";
    return i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`;
  });
}
