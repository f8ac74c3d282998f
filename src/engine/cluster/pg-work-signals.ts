/** Wake-ups that reach the worker loops of every process: this one's at once, the others' by NOTIFY. */
import type { Unsubscribe } from "../events.ts";
import { LocalWorkSignals, WORK_KINDS, type WorkKind, type WorkSignals } from "../work-signals.ts";
import type { ClusterLink } from "./cluster-link.ts";

export class PgWorkSignals implements WorkSignals {
  private readonly local = new LocalWorkSignals();
  private readonly link: ClusterLink;

  constructor(link: ClusterLink) {
    this.link = link;
    link.addReceiver({
      received: (message) => {
        if (message.t === "w") this.local.wake(message.k);
      },
      // Work made while this process was not listening is found by looking now.
      resync: () => {
        for (const kind of WORK_KINDS) this.local.wake(kind);
      },
    });
  }

  wake(kind: WorkKind): void {
    this.local.wake(kind);
    this.link.send({ t: "w", k: kind });
  }

  onWake(kind: WorkKind, listener: () => void): Unsubscribe {
    return this.local.onWake(kind, listener);
  }
}
