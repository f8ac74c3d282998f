/** Cancels a prediction whose answer nobody will read; a failure to cancel is logged, not thrown. */

import type { Logger } from "pino";
import type { Engine } from "../../engine/engine.ts";

export function cancelUnread(deps: { engine: Engine; logger: Logger }, id: string, what: string): void {
  deps.engine.cancel(id).catch((error: unknown) => {
    deps.logger.warn({ prediction: id, err: error }, `could not cancel ${what}`);
  });
}
