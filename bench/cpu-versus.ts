/**
 * CPU per prediction of this checkout's gateway next to another checkout's (say main's), both
 * serving at once and driven in alternating rounds, so that the machine's load, which moves
 * absolute figures a lot, weighs on both alike: sim at zero latency, `Prefer: wait`.
 * `warm-up`: predictions each server serves before the rounds; 15000 compares the steady state
 * (the hot code compiled by V8's top tier, see cpu-per-prediction.ts), the default the first minutes.
 * Run: node bench/cpu-versus.ts <other checkout> [backend=sqlite] [rounds=6] [per round=150] [concurrency=32] [warm-up=200]
 */
import { join, resolve } from "node:path";
import { type Backend, type BenchGateway, startBenchGateway } from "./support/gateway-process.ts";
import { simImageSucceeds } from "./support/sim-load.ts";
import { cpuSecondsOf, fmt, runPool } from "./support/stats.ts";

const [
  otherCheckout,
  backendArg = "sqlite",
  roundsArg = "6",
  perRoundArg = "150",
  concurrencyArg = "32",
  warmUpArg = "200",
] = process.argv.slice(2);
if (!otherCheckout)
  throw new Error("usage: node bench/cpu-versus.ts <other checkout> [backend] [rounds] [per round]");
const backend = backendArg as Backend;
const ROUNDS = Number(roundsArg);
const PER_ROUND = Number(perRoundArg);
const CONCURRENCY = Number(concurrencyArg);
const WARM_UP = Number(warmUpArg);

interface Side {
  name: string;
  served: BenchGateway;
  cpuSeconds: number;
  seconds: number;
}

const round = (side: Side, count: number) =>
  runPool(count, CONCURRENCY, (i) => simImageSucceeds(side.served.url, `p ${i}`));

const env = { GENGATE_SIM_LATENCY: "0" };
const sides: Side[] = [
  {
    name: `other (${otherCheckout})`,
    served: await startBenchGateway(backend, env, undefined, join(resolve(otherCheckout), "bin/gengate.js")),
    cpuSeconds: 0,
    seconds: 0,
  },
  { name: "this checkout", served: await startBenchGateway(backend, env), cpuSeconds: 0, seconds: 0 },
];
try {
  for (const side of sides) await round(side, WARM_UP);
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const pid = side.served.child.pid ?? 0;
      const cpuBefore = await cpuSecondsOf(pid);
      const started = performance.now();
      await round(side, PER_ROUND);
      side.seconds += (performance.now() - started) / 1000;
      side.cpuSeconds += (await cpuSecondsOf(pid)) - cpuBefore;
    }
  }
} finally {
  for (const side of sides) await side.served.stop();
}
const count = ROUNDS * PER_ROUND;
const cpuMs = (side: Side) => (side.cpuSeconds * 1000) / count;
const [other, mine] = sides as [Side, Side];
console.log(
  `\n${backend}: ${ROUNDS} alternating rounds of ${PER_ROUND} predictions each, ${CONCURRENCY} clients, after ${WARM_UP} each\n`,
);
console.log("| checkout | CPU ms per prediction | predictions/s |");
console.log("|---|---|---|");
for (const side of sides)
  console.log(`| ${side.name} | ${fmt(cpuMs(side), 2)} | ${fmt(count / side.seconds, 0)} |`);
console.log(`\nthis ÷ other, CPU per prediction: ${fmt(cpuMs(mine) / cpuMs(other), 2)}`);
