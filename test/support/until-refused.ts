/**
 * Asks again while a request is still accepted (200), for at most `withinMs`: how a revoke made by
 * another process reaches a server whose token cache may keep the token up to TOKEN_CACHE_MS.
 * The last status and the milliseconds it took.
 */
export async function untilRefused(
  status: () => Promise<number>,
  withinMs: number,
): Promise<{ status: number; afterMs: number }> {
  const since = Date.now();
  let last = await status();
  while (last === 200 && Date.now() - since < withinMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await status();
  }
  return { status: last, afterMs: Date.now() - since };
}
