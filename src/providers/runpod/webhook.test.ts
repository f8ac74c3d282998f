import { describe, expect, it } from "vitest";
import { runpodWebhook } from "./webhook.ts";

const hooks = runpodWebhook("rpa_KEY");
const post = (url: string) => new Request(url, { method: "POST" });
const submit = { predictionId: "pred1", submitId: "sub1" };

describe("RunPod webhooks", () => {
  it("register a URL with the prediction id, the submit id and a token only gengate can make", async () => {
    const url = hooks.urlFor("https://gg.example/hooks/runpod", submit);
    expect(url).toMatch(
      /^https:\/\/gg\.example\/hooks\/runpod\?prediction=pred1&submit=sub1&token=[\w-]{43}$/,
    );
    expect(await hooks.verify(post(url), "{}")).toBe(true);
    expect(await runpodWebhook("rpa_KEY").verify(post(url), "{}")).toBe(true);
  });

  it("refuse a missing, wrong or borrowed token", async () => {
    const url = new URL(hooks.urlFor("https://gg.example/hooks/runpod", submit));
    expect(await runpodWebhook("rpa_OTHER").verify(post(url.toString()), "{}")).toBe(false);
    url.searchParams.set("prediction", "pred2");
    expect(await hooks.verify(post(url.toString()), "{}")).toBe(false);
    const otherSubmit = new URL(hooks.urlFor("https://gg.example/hooks/runpod", submit));
    otherSubmit.searchParams.set("submit", "sub2");
    expect(await hooks.verify(post(otherSubmit.toString()), "{}")).toBe(false);
    expect(
      await hooks.verify(post("https://gg.example/hooks/runpod?prediction=pred1&submit=sub1"), "{}"),
    ).toBe(false);
    expect(
      await hooks.verify(
        post("https://gg.example/hooks/runpod?prediction=pred1&submit=sub1&token=abc"),
        "{}",
      ),
    ).toBe(false);
  });

  it("turn the job object into a prompt to poll now, naming the submit it came for", async () => {
    const body = JSON.stringify({ id: "job-1", status: "COMPLETED", output: { images: ["…"] } });
    const url = hooks.urlFor("https://gg.example/hooks/runpod", submit);
    expect(await hooks.parse(post(url), body)).toEqual({
      upstreamId: "job-1",
      predictionId: "pred1",
      submitId: "sub1",
      update: { state: "processing", nextPollMs: 0 },
    });
    await expect(hooks.parse(post(url), "[1]")).rejects.toThrow("not a RunPod job object");
  });
});
