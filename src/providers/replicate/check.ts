/** `gengate providers check` for Replicate: `GET /account` is authenticated, cheap and creates nothing. */
import { GatewayError } from "../../core/errors.ts";
import type { ProviderCheck } from "../provider.ts";
import type { ReplicateHttp } from "./http-client.ts";

export async function checkReplicate(http: ReplicateHttp, baseUrl: string): Promise<ProviderCheck> {
  try {
    const { headers, body } = await http.request("/account", { what: "checking the account" });
    const username = (body as { username?: unknown } | null)?.username;
    const remaining = Number(headers.get("ratelimit-remaining"));
    return {
      reachable: true,
      authenticated: true,
      ...(Number.isFinite(remaining) &&
        headers.has("ratelimit-remaining") && { rateLimitRemaining: remaining }),
      detail: `${baseUrl}: account ${typeof username === "string" ? username : "(unnamed)"}`,
    };
  } catch (cause) {
    const error = GatewayError.from(cause);
    const refused = error.configSetting !== undefined;
    const reachable = refused || error.status < 500;
    return { reachable, authenticated: refused ? false : null, detail: `${baseUrl}: ${error.message}` };
  }
}
