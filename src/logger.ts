import { type Logger, pino } from "pino";
import type { Config } from "./config.ts";

/** JSON logs, one line per event; anything that may hold a secret is redacted. */
export function createLogger(level: Config["logLevel"]): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "authorization",
        "*.authorization",
        "headers.authorization",
        "token",
        "*.token",
        "apiToken",
        "*.apiToken",
      ],
      censor: "[redacted]",
    },
  });
}
