/**
 * `gengate providers check` for fal: is the queue reachable and the key valid, without creating
 * paid work? fal has no "who am I" call in the queue API (reference B), so the check reads the
 * status of a request id that cannot exist: a valid key gets 404, a bad one 401/403. It also
 * loads the webhook keys.
 */
import { randomUUID } from "node:crypto";
import { GatewayError } from "../../core/errors.ts";
import type { ProviderCheck } from "../provider.ts";
import type { FalConfig } from "./config.ts";
import type { FalHttp } from "./fal-http.ts";
import { requestUrl } from "./operation.ts";
import type { WebhookKeys } from "./webhook-keys.ts";

/** The provider's connection test: the key and the webhook keys, creating no work. */
export async function checkFal(config: FalConfig, http: FalHttp, keys: WebhookKeys): Promise<ProviderCheck> {
  const probeUrl = `${requestUrl(config.queueUrl, config.apps[0]?.app ?? "fal-ai/flux", randomUUID())}/status`;
  const where = config.webhookKeys ? "FAL_WEBHOOK_PUBLIC_KEYS" : config.jwksUrl;
  const [key, webhookKeys] = await Promise.all([checkKey(http, probeUrl), checkWebhookKeys(keys, where)]);
  return {
    reachable: key.reachable,
    authenticated: key.authenticated && webhookKeys.ok,
    detail: `${key.line}; ${webhookKeys.line}`,
  };
}

interface KeyCheck {
  reachable: boolean;
  authenticated: boolean;
  line: string;
}

async function checkKey(http: FalHttp, probeUrl: string): Promise<KeyCheck> {
  const queue = `queue ${http.queueUrl}`;
  try {
    const { status } = await http.send(probeUrl, { what: "checking the key" });
    if (status === 404 || (status >= 200 && status < 300))
      return { reachable: true, authenticated: true, line: `${queue}: reachable, key accepted` };
    if (status === 401 || status === 403)
      return { reachable: true, authenticated: false, line: `${queue}: key refused (${status})` };
    return { reachable: true, authenticated: false, line: `${queue}: unexpected answer ${status}` };
  } catch (error) {
    return { reachable: false, authenticated: false, line: `${queue}: ${GatewayError.from(error).message}` };
  }
}

async function checkWebhookKeys(keys: WebhookKeys, where: string): Promise<{ ok: boolean; line: string }> {
  try {
    const count = (await keys.current()).length;
    return { ok: count > 0, line: `webhook keys (${where}): ${count} Ed25519 key(s)` };
  } catch (error) {
    return { ok: false, line: `webhook keys (${where}): ${GatewayError.from(error).message}` };
  }
}
