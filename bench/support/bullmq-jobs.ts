/**
 * The other anchor of the CPU benchmark: BullMQ jobs end to end on the local Redis, a producer and
 * a worker in this one process. Says "ready", then on each line `count concurrency` from stdin
 * adds `count` jobs (`concurrency` at a time, each awaited until the worker has finished it) and
 * says "done".
 */
import { createInterface } from "node:readline";
import { Queue, QueueEvents, Worker } from "bullmq";

const connection = { host: "127.0.0.1", port: 6379 };
const name = `gengate-bench-${process.pid}`;
const queue = new Queue(name, { connection });
const events = new QueueEvents(name, { connection });
const worker = new Worker(name, async (job) => ({ id: job.id, status: "succeeded" }), {
  connection,
  concurrency: 32,
});
// Each job waited for listens until it ends: as many listeners as clients.
queue.setMaxListeners(0);
events.setMaxListeners(0);
await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);

async function run(count: number, concurrency: number): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      // Removed on completion only once a thousand newer ones ended: a waiter may look after it ended.
      const job = await queue.add(
        "predict",
        { prompt: `job ${next++}` },
        { removeOnComplete: { count: 1_000 } },
      );
      await job.waitUntilFinished(events, 30_000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const [count = 0, concurrency = 1] = line.split(" ").map(Number);
  await run(count, concurrency);
  console.log("done");
}
await worker.close();
await events.close();
await queue.obliterate({ force: true });
await queue.close();
