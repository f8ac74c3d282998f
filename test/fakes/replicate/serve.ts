/** Runs a fake Replicate for local development: node test/fakes/replicate/serve.ts [--port N] */
import { parseArgs } from "node:util";
import { listenFakeReplicate } from "./fake-replicate.ts";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });
const fake = await listenFakeReplicate({}, Number(values.port));
console.log(`Fake Replicate API:  ${fake.url}
Delivery origin:     ${fake.deliveryUrl}
Token:               ${fake.token}
Webhook secret:      ${fake.webhookSecret}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
