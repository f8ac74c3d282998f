/** Whether Replicate could fetch a URL itself: http(s) on a public host, and not behind gengate's auth. */
import { isIPv4, isIPv6 } from "node:net";

const PRIVATE_V4 = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 (carrier-grade NAT)
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
] as const;

function isPrivateV4(address: string): boolean {
  const value = address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
  return PRIVATE_V4.some(
    ([base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)),
  );
}

function isPrivateV6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  // IPv4-mapped addresses: reading them through gengate is always safe
  if (lower.startsWith("::ffff:")) return true;
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

function isPublicHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIPv4(host)) return !isPrivateV4(host);
  if (isIPv6(host)) return !isPrivateV6(host);
  const lower = host.toLowerCase().replace(/\.$/, "");
  if (!lower.includes(".")) return false;
  return !/\.(localhost|local|internal|lan|home\.arpa)$/.test(lower);
}

/**
 * `gengateOrigin` is gengate's public origin when known: its API files (`/v1/files/…`) need a
 * token, so Replicate cannot read them even there.
 */
export function isReadableByUpstream(url: string, gengateOrigin: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (parsed.origin === gengateOrigin && parsed.pathname.startsWith("/v1/files/")) return false;
  return isPublicHost(parsed.hostname);
}
