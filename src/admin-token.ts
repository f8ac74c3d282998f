/** The first admin token: created on first start and shown once, or taken from GENGATE_ADMIN_TOKEN. */
import { hashApiToken, newApiToken } from "./core/api-tokens.ts";
import type { Store } from "./store/index.ts";

/** Returns a token to show the operator, when one was just created; never one they chose themselves. */
export async function ensureAdminToken(
  store: Store,
  configured: string | undefined,
): Promise<string | undefined> {
  if (configured) {
    const hash = hashApiToken(configured);
    if (await store.tokens.findByHash(hash)) return undefined;
    try {
      await store.tokens.create({ name: "admin (GENGATE_ADMIN_TOKEN)", tokenHash: hash, isAdmin: true });
    } catch (error) {
      // Processes of one database starting together: another one stored it first.
      if (!(await store.tokens.findByHash(hash))) throw error;
    }
    return undefined;
  }
  if ((await store.tokens.count()) > 0) return undefined;
  const token = newApiToken();
  await store.tokens.create({ name: "admin", tokenHash: hashApiToken(token), isAdmin: true });
  return token;
}
