/** A connection test per configured endpoint with `/health`: reachability, the key, queue and workers; no work is created. */
import { GatewayError } from "../../core/errors.ts";
import type { ProviderCheck } from "../provider.ts";
import { jsonOrUndefined } from "../toolkit/answer.ts";
import type { HttpAnswer } from "../toolkit/http.ts";
import type { RunpodConfig } from "./config.ts";
import { healthSchema, type RunpodHealth } from "./job-schema.ts";
import { RunpodClient } from "./runpod-client.ts";

export interface EndpointHealth {
  model: string;
  endpointId: string;
  reachable: boolean;
  /** null when RunPod could not be asked. */
  authenticated: boolean | null;
  health?: RunpodHealth;
  detail: string;
}

async function checkEndpoint(
  client: RunpodClient,
  model: string,
  endpointId: string,
): Promise<EndpointHealth> {
  const base = { model, endpointId };
  let response: HttpAnswer;
  try {
    response = await client.request(endpointId, "health", "checking the endpoint");
  } catch (error) {
    return { ...base, reachable: false, authenticated: null, detail: GatewayError.from(error).message };
  }
  const body = jsonOrUndefined(response.text);
  if (response.status === 401 || response.status === 403)
    return {
      ...base,
      reachable: true,
      authenticated: false,
      detail: `RunPod refused the API key (HTTP ${response.status})`,
    };
  if (response.status === 404)
    return { ...base, reachable: false, authenticated: true, detail: "no such endpoint (HTTP 404)" };
  const parsed = healthSchema.safeParse(body);
  if (response.status < 200 || response.status > 299 || !parsed.success)
    return {
      ...base,
      reachable: false,
      authenticated: null,
      detail: `unexpected answer (HTTP ${response.status})`,
    };
  const { jobs, workers } = parsed.data;
  const detail = `${jobs.inQueue ?? 0} queued, ${jobs.inProgress ?? 0} in progress; workers ${workers.idle ?? 0} idle, ${workers.running ?? 0} running`;
  return { ...base, reachable: true, authenticated: true, health: parsed.data, detail };
}

export function checkRunpod(config: RunpodConfig): Promise<EndpointHealth[]> {
  const client = new RunpodClient(config.baseUrl, config.apiKey);
  return Promise.all(
    [...config.endpoints].map(([model, endpoint]) => checkEndpoint(client, model, endpoint.endpointId)),
  );
}

/** All endpoints as one provider check. */
export function summariseChecks(results: EndpointHealth[]): ProviderCheck {
  const authenticated = results.some((r) => r.authenticated === false)
    ? false
    : results.every((r) => r.authenticated === true)
      ? true
      : null;
  return {
    reachable: results.every((r) => r.reachable),
    authenticated,
    detail: results.map((r) => `${r.model} (${r.endpointId}): ${r.detail}`).join("; "),
  };
}
