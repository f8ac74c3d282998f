/** A small client of the fake for its own tests. */
import type { FakeRunpod } from "./fake-runpod.ts";

export interface Answer {
  status: number;
  body: Record<string, unknown> & { id?: string; status?: string; output?: unknown; error?: unknown };
}

export function fakeClient(fake: FakeRunpod, endpointId: string) {
  const call = async (
    operation: string,
    init: { method?: string; body?: unknown; auth?: string | null } = {},
  ): Promise<Answer> => {
    const auth = init.auth === undefined ? `Bearer ${fake.apiKey}` : init.auth;
    const response = await fetch(`${fake.url}/${endpointId}/${operation}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { ...(auth !== null && { authorization: auth }), "content-type": "application/json" },
      ...(init.body !== undefined && {
        body: typeof init.body === "string" ? init.body : JSON.stringify(init.body),
      }),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  };
  return {
    call,
    run: async (body: unknown) => (await call("run", { body })).body.id ?? "",
    status: (id: string) => call(`status/${id}`),
    /** Polls until `done` accepts the answer. */
    async until(id: string, done: (answer: Answer) => boolean, timeoutMs = 5_000): Promise<Answer> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = await call(`status/${id}`);
        if (done(answer)) return answer;
        if (Date.now() > deadline) throw new Error(`job ${id}: still ${JSON.stringify(answer.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

export const ended = (answer: Answer) =>
  answer.status === 404 ||
  ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"].includes(String(answer.body.status));
