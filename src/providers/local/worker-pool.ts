/**
 * Up to `size` worker threads, started when first needed and then kept (with whatever they
 * loaded), each running one job at a time; jobs wait in order for a free worker. A worker that
 * dies fails the job it was running and is replaced when a job next needs one. Idle workers do
 * not keep the process alive.
 *
 * Closing raises a stop flag the workers share, lets the jobs they run end (a worker should give
 * up soon after it sees the flag), and only then ends the workers: ending a thread in the middle
 * of a native call, such as an ONNX Runtime inference, aborts the whole process.
 */
import type { Worker } from "node:worker_threads";

/** What the pool posts to a worker, and what the worker posts back for it. */
export interface WorkerRequest<J> {
  id: string;
  job: J;
}
export type WorkerReply<R> = { id: string; ok: true; result: R } | { id: string; ok: false; error: string };

/** How long closing waits for running jobs before it ends their workers anyway. */
const CLOSE_WAIT_MS = 60_000;

/** Set to 1 when the pool closes; workers read it with Atomics.load(stop, 0). */
export type StopFlag = Int32Array<SharedArrayBuffer>;

interface Pending<J, R> {
  id: string;
  job: J;
  started: () => void;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

export class WorkerPool<J, R> {
  readonly #size: number;
  readonly #spawn: (stop: StopFlag) => Worker;
  readonly #stop: StopFlag = new Int32Array(new SharedArrayBuffer(4));
  readonly #queue: Pending<J, R>[] = [];
  /** Every job not ended yet, settled or not. */
  readonly #unsettled = new Set<Promise<unknown>>();
  readonly #idle: Worker[] = [];
  /** Every live worker, with the job it runs (null when idle). */
  readonly #workers = new Map<Worker, Pending<J, R> | null>();
  #closed = false;

  constructor(size: number, spawn: (stop: StopFlag) => Worker) {
    this.#size = size;
    this.#spawn = spawn;
  }

  /** Runs `job`; `started` is called when a worker takes it. */
  run(id: string, job: J, started: () => void = () => {}): Promise<R> {
    if (this.#closed) return Promise.reject(new Error("the worker pool is closed"));
    const result = new Promise<R>((resolve, reject) => {
      this.#queue.push({ id, job, started, resolve, reject });
      this.#dispatch();
    });
    const settled: Promise<void> = result.then(
      () => void this.#unsettled.delete(settled),
      () => void this.#unsettled.delete(settled),
    );
    this.#unsettled.add(settled);
    return result;
  }

  /** Drops job `id` if it still waits for a worker (its promise rejects); true when it did. */
  cancel(id: string): boolean {
    const index = this.#queue.findIndex((pending) => pending.id === id);
    if (index < 0) return false;
    const [pending] = this.#queue.splice(index, 1);
    pending?.reject(new Error("canceled"));
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    Atomics.store(this.#stop, 0, 1);
    for (const pending of this.#queue.splice(0)) pending.reject(new Error("the worker pool is closed"));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([Promise.all(this.#unsettled), timeout]);
    clearTimeout(timer);
    await Promise.all([...this.#workers.keys()].map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? (this.#workers.size < this.#size ? this.#start() : undefined);
      if (!worker) return;
      const pending = this.#queue.shift() as Pending<J, R>;
      this.#workers.set(worker, pending);
      worker.ref();
      worker.postMessage({ id: pending.id, job: pending.job } satisfies WorkerRequest<J>);
      pending.started();
    }
  }

  #start(): Worker {
    const worker = this.#spawn(this.#stop);
    this.#workers.set(worker, null);
    worker.on("message", (reply: WorkerReply<R>) => {
      const pending = this.#workers.get(worker);
      if (!pending || pending.id !== reply.id) return;
      this.#workers.set(worker, null);
      worker.unref();
      this.#idle.push(worker);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
      this.#dispatch();
    });
    worker.on("error", (error) =>
      this.#retire(worker, error instanceof Error ? error.message : String(error)),
    );
    worker.on("exit", (code) => this.#retire(worker, `the worker exited with code ${code}`));
    return worker;
  }

  /** Forgets a dead worker; its job fails with `reason`. */
  #retire(worker: Worker, reason: string): void {
    if (!this.#workers.has(worker)) return;
    const pending = this.#workers.get(worker);
    this.#workers.delete(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle >= 0) this.#idle.splice(idle, 1);
    pending?.reject(new Error(reason));
    if (!this.#closed) this.#dispatch();
  }
}
