/** Records an admin action in the audit log: who (the token), what, to what, from which address. */
import type { Context } from "hono";
import type { Store } from "../store/index.ts";
import type { ApiEnv } from "./api-context.ts";
import { clientAddress } from "./client-address.ts";

export function auditor(store: Store) {
  return (c: Context<ApiEnv>, action: string, target: string, detail: Record<string, unknown> = {}) => {
    return store.audit.record({
      actorTokenId: c.get("token").id,
      action,
      target,
      detail,
      ip: clientAddress(c) ?? null,
    });
  };
}
