/**
 * Fetches a URL on gengate's own behalf (an input image a local tool reads, a LoRA's photos):
 * only public unicast addresses unless private ones are allowed, checked on every connection
 * (so a name that re-resolves to 127.0.0.1 after the check is caught), at most a few redirects,
 * at most `maxBytes`, within a timeout.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { GatewayError } from "../core/errors.ts";
import type { InputFile } from "../providers/provider.ts";

const MAX_REDIRECTS = 3;

export interface PublicFetchOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Also fetch from loopback, private, link-local and other non-public addresses. */
  allowPrivate: boolean;
}

/** Why an address may not be fetched from, or undefined for a public unicast one. */
export function nonPublicReason(address: string): string | undefined {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  return range === "unicast" ? undefined : `${address} is a ${range} address`;
}

function refused(url: string, reason: string): GatewayError {
  return new GatewayError(
    "invalid_input",
    `input file ${url} is not on a public address (${reason}); set GENGATE_ALLOW_PRIVATE_URLS=1 to allow it`,
  );
}

/** A DNS lookup that fails for names resolving to a non-public address. */
function publicLookup(url: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const reason = addresses.map((a) => nonPublicReason(a.address)).find((r) => r !== undefined);
      if (reason) return callback(refused(url, reason), "", 0);
      if (options.all) return callback(null, addresses as never, 0);
      const [first] = addresses;
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}

function get(url: URL, options: PublicFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      signal,
      ...(!options.allowPrivate && { lookup: publicLookup(url.href) }),
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
}

async function readCapped(response: IncomingMessage, url: string, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new GatewayError("payload_too_large", `input file ${url} is over ${maxBytes} bytes`);
  if (Number(response.headers["content-length"] ?? 0) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function fetchPublic(url: string, options: PublicFetchOptions): Promise<InputFile> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      throw new GatewayError("invalid_input", `input file ${url}: only http(s) URLs can be fetched`);
    }
    const literal = current.hostname.replace(/^\[|\]$/g, "");
    const literalReason = isIP(literal) ? nonPublicReason(literal) : undefined;
    if (literalReason && !options.allowPrivate) throw refused(url, literalReason);
    const response = await get(current, options, signal).catch((error: unknown) => {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(
        "invalid_input",
        `could not fetch input file ${url}: ${(error as Error).message}`,
      );
    });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      if (redirects >= MAX_REDIRECTS) {
        throw new GatewayError(
          "invalid_input",
          `input file ${url} redirects more than ${MAX_REDIRECTS} times`,
        );
      }
      current = new URL(location, current);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new GatewayError("invalid_input", `input file ${url} answered ${status}`);
    }
    const data = await readCapped(response, url, options.maxBytes);
    return { data, contentType: response.headers["content-type"] ?? "application/octet-stream" };
  }
}
