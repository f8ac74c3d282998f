/** A pino logger whose JSON lines are kept in memory, to check what gengate tells its operator. */
import { Writable } from "node:stream";
import { type Logger, pino } from "pino";

export interface CapturedLogs {
  logger: Logger;
  /** Every line written, in order. */
  lines: string[];
}

/** Logs at the most verbose level, so a test also sees what a debug log would show. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((line) => line !== ""),
      );
      done();
    },
  });
  return { logger: pino({ level: "trace" }, sink), lines };
}
