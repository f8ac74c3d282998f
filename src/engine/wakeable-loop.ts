/**
 * Runs `tick` again and again: right after a wake() (or a wake-up signal of its kind, from any
 * process), at a time asked with wakeAt(), or after the delay the tick itself returns. One tick at a time.
 */
import type { Unsubscribe } from "./events.ts";
import type { WorkKind, WorkSignals } from "./work-signals.ts";

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WakeOn {
  signals: WorkSignals;
  kind: WorkKind;
}

export class WakeableLoop {
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private wokenWhileRunning = false;
  private stopped = true;
  private readonly tick: () => Promise<number>;
  private readonly onError: (error: unknown) => void;
  private readonly wakeOn: WakeOn | undefined;
  private unsubscribe: Unsubscribe | undefined;

  constructor(tick: () => Promise<number>, onError: (error: unknown) => void, wakeOn?: WakeOn) {
    this.tick = tick;
    this.onError = onError;
    this.wakeOn = wakeOn;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.wakeOn?.signals.onWake(this.wakeOn.kind, () => this.wake());
    this.wake();
  }

  wake(): void {
    this.wakeAt(Date.now());
  }

  wakeAt(time: number): void {
    if (this.stopped) return;
    if (this.running && time <= Date.now()) {
      this.wokenWhileRunning = true;
      return;
    }
    if (time >= this.timerAt) return;
    this.cancelTimer();
    this.timerAt = time;
    const delay = time - Date.now();
    // setTimeout waits at least 1 ms, so an immediate wake uses setImmediate; and it may fire a
    // fraction of a millisecond before Date.now() reaches `time`, hence the extra millisecond. It
    // fires at once for a delay beyond about 24.8 days, so a later wake runs a tick at that point.
    this.timer =
      delay > 0
        ? setTimeout(() => this.run(), Math.min(delay + 1, MAX_TIMER_MS))
        : setImmediate(() => this.run());
  }

  private cancelTimer(): void {
    clearTimeout(this.timer as NodeJS.Timeout | undefined);
    clearImmediate(this.timer as NodeJS.Immediate | undefined);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.stopped = true;
    this.cancelTimer();
    await this.running;
  }

  private run(): void {
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.running || this.stopped) {
      this.wokenWhileRunning = true;
      return;
    }
    this.running = this.tick()
      .catch((error: unknown) => {
        this.onError(error);
        return 1000;
      })
      .then((delay) => {
        this.running = undefined;
        if (this.wokenWhileRunning) {
          this.wokenWhileRunning = false;
          this.wake();
        } else {
          this.wakeAt(Date.now() + delay);
        }
      });
  }
}
