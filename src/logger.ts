import { type Logger, pino } from "pino";
import type { Config } from "./config.ts";
import { tracing } from "./tracing/tracing.ts";

/**
 * JSON logs, one line per event; anything that may hold a secret is redacted. A line written within
 * a span carries its `trace_id` and `span_id` (when tracing is on).
 */
export function createLogger(level: Config["logLevel"]): Logger {
  return pino({
    level,
    mixin: () => tracing().logFields(),
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
