/**
 * Runs the fake fal on its own, for trying gengate by hand:
 *   node test/fakes/fal/serve.ts [port]   (FAKE_FAL_KEY fixes the key)
 * then start gengate with the FAL_* variables it prints.
 */
import { startFakeFal } from "./fake-fal.ts";

const port = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
const fake = await startFakeFal({
  ...(port !== undefined && { port }),
  ...(process.env.FAKE_FAL_KEY && { key: process.env.FAKE_FAL_KEY }),
  queueMs: 1_000,
  runMs: 3_000,
});
process.stdout.write(
  [
    `fake fal queue at ${fake.queueUrl}`,
    `FAL_QUEUE_URL=${fake.queueUrl}`,
    `FAL_JWKS_URL=${fake.jwksUrl}`,
    `FAL_KEY=${fake.key}`,
    "",
  ].join("\n"),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
