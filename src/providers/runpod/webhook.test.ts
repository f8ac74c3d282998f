import { describe, expect, it } from "vitest";
import { runpodWebhook } from "./webhook.ts";

const hooks = runpodWebhook("rpa_KEY");
const post = (url: string) => new Request(url, { method: "POST" });

describe("RunPod webhooks", () => {
  it("register a URL with the prediction id and a token only gengate can make", async () => {
    const url = hooks.urlFor("https://gg.example/hooks/runpod", "pred1");
    expect(url).toMatch(/^https:\/\/gg\.example\/hooks\/runpod\?prediction=pred1&token=[\w-]{43}$/);
    expect(await hooks.verify(post(url), "{}")).toBe(true);
    expect(await runpodWebhook("rpa_KEY").verify(post(url), "{}")).toBe(true);
  });

  it("refuse a missing, wrong or borrowed token", async () => {
    const url = new URL(hooks.urlFor("https://gg.example/hooks/runpod", "pred1"));
    expect(await runpodWebhook("rpa_OTHER").verify(post(url.toString()), "{}")).toBe(false);
    url.searchParams.set("prediction", "pred2");
    expect(await hooks.verify(post(url.toString()), "{}")).toBe(false);
    expect(await hooks.verify(post("https://gg.example/hooks/runpod?prediction=pred1"), "{}")).toBe(false);
    expect(await hooks.verify(post("https://gg.example/hooks/runpod?prediction=pred1&token=abc"), "{}")).toBe(
      false,
    );
  });

  it("turn the job object into a prompt to poll now", async () => {
    const body = JSON.stringify({ id: "job-1", status: "COMPLETED", output: { images: ["…"] } });
    expect(await hooks.parse(post("https://x/"), body)).toEqual({
      upstreamId: "job-1",
      update: { state: "processing", nextPollMs: 0 },
    });
    await expect(hooks.parse(post("https://x/"), "[1]")).rejects.toThrow("not a RunPod job object");
  });
});
