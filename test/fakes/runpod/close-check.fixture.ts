/** Run by a test: a fake with timers of every kind pending is closed; the process must then exit. */
import { startFakeRunpod } from "./index.ts";

const fake = await startFakeRunpod({ webhookRetryDelayMs: 60_000 });
const headers = { authorization: fake.apiKey, "content-type": "application/json" };
fake.faults.stuck("sdxl-a1111");
fake.faults.slowQueue("comfyui-sdxl", 60_000);
for (const endpoint of ["sdxl-a1111", "comfyui-sdxl", "black-forest-labs-flux-1-schnell"]) {
  await fetch(`${fake.url}/${endpoint}/run`, {
    method: "POST",
    headers,
    body: JSON.stringify({ input: { prompt: "x" }, webhook: "http://127.0.0.1:9/unreachable" }),
  });
}
await new Promise((resolve) => setTimeout(resolve, 300));
await fake.close();
