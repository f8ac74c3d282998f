/**
 * Questions on the terminal, answers read a line at a time from stdin (a pipe works too: lines
 * that arrive early wait for their question). Secret answers are not echoed on a terminal.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";

export interface Prompter {
  /** The answer, trimmed; "" once stdin has ended. */
  ask(question: string, options?: { secret?: boolean }): Promise<string>;
  close(): void;
}

export function createPrompter(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Prompter {
  const terminal = input.isTTY === true;
  let muted = false;
  // readline echoes what is typed through this stream, which stays silent for a secret.
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const reader = createInterface({ input, output: echo, terminal });
  const lines = reader[Symbol.asyncIterator]();
  // Once stdin has ended readline is closed, though lines it read before may still wait for their question.
  let closed = false;
  reader.once("close", () => {
    closed = true;
  });
  return {
    async ask(question, { secret = false } = {}) {
      if (closed) {
        output.write(question);
      } else {
        // As readline's prompt, so that it redraws the question with the line on a terminal.
        reader.setPrompt(question);
        reader.prompt();
      }
      muted = secret && terminal;
      const next = await lines.next();
      // What was typed is not shown (piped, or a secret): end the question's line.
      if (muted || !terminal) output.write("\n");
      muted = false;
      return next.done ? "" : String(next.value).trim();
    },
    close() {
      reader.close();
    },
  };
}
