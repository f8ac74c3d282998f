export { ClusterLink } from "./cluster-link.ts";
export { PgEventBus } from "./pg-event-bus.ts";
export { PgWorkSignals } from "./pg-work-signals.ts";
export { type ProcessState, processState } from "./process-state.ts";
