/** Test helper: a fake per test file, and fetch shortcuts against it. */
import { afterAll, beforeAll } from "vitest";
import { startFakeReplicate } from "./fake-replicate.ts";
import type { FakeReplicate, FakeReplicateOptions } from "./types.ts";

export interface Api {
  (path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

export function apiOf(fake: FakeReplicate): Api {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${fake.token}`,
        "content-type": "application/json",
        ...(init.headers as Record<string, string>),
      },
    });
  return Object.assign(call, {
    json: async <T>(path: string, init?: RequestInit) => (await call(path, init)).json() as Promise<T>,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, { method: "POST", body: JSON.stringify(body), headers }),
  });
}

/** Starts a fake before the file's tests and closes it after. */
export function useFake(options: FakeReplicateOptions = {}): { fake: FakeReplicate; api: Api } {
  const handle = {} as { fake: FakeReplicate; api: Api };
  beforeAll(async () => {
    handle.fake = await startFakeReplicate(options);
    handle.api = apiOf(handle.fake);
  });
  afterAll(() => handle.fake.close());
  return handle;
}

/** Polls GET until the prediction (or training) is terminal. */
export async function settled(api: Api, path: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await api.json(path);
    if (["succeeded", "failed", "canceled", "aborted"].includes(record.status as string)) return record;
    if (Date.now() > deadline) throw new Error(`${path} still ${String(record.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Retries `check` (which throws until it holds) until it passes or `timeoutMs` runs out. */
export async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The latest version id of a model, from the API. */
export async function latestVersion(api: Api, model: string): Promise<string> {
  const { latest_version } = await api.json<{ latest_version: { id: string } }>(`/models/${model}`);
  return latest_version.id;
}
