/** A failure that is gengate's own configuration (a provider refusing its key) is told to the operator. */
import type { Logger } from "pino";
import type { GatewayError } from "../core/errors.ts";

/** Logs `error` at error level with the setting to fix, when it is a configuration problem. */
export function reportMisconfiguration(logger: Logger, error: GatewayError, context: object): void {
  if (error.configSetting === undefined) return;
  logger.error({ ...context, setting: error.configSetting }, error.message);
}
