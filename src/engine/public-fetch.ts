/**
 * Requests gengate makes on its own behalf to URLs a client gave (an input image a local tool
 * reads, a LoRA's photos, an outbound webhook): only to public unicast addresses unless private
 * ones are allowed, checked on every connection (the literal host, and each DNS answer at connect
 * time, so a name that re-resolves to 127.0.0.1 after a check is caught, redirects included).
 * Fetching also caps redirects, bytes and time.
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

export interface PublicRequest {
  /** What the URL is, for messages: "input file", "webhook". */
  purpose: string;
  /** Also reach loopback, private, link-local and other non-public addresses. */
  allowPrivate: boolean;
  signal: AbortSignal;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Why an address may not be reached, or undefined for a public unicast one. */
export function nonPublicReason(address: string): string | undefined {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  return range === "unicast" ? undefined : `${address} is a ${range} address`;
}

/** Why a URL is private without asking DNS (an IP literal, or `localhost`), or undefined. */
export function plainlyPrivateReason(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return nonPublicReason(host);
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") ? `${name} is a loopback name` : undefined;
}

function refused(purpose: string, url: string, reason: string): GatewayError {
  return new GatewayError(
    "invalid_input",
    `${purpose} ${url} is not on a public address (${reason}); set GENGATE_ALLOW_PRIVATE_URLS=1 to allow it`,
  );
}

/** A DNS lookup that fails for names resolving to a non-public address. */
function publicLookup(onRefused: (reason: string) => GatewayError): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const reason = addresses.map((a) => nonPublicReason(a.address)).find((r) => r !== undefined);
      if (reason) return callback(onRefused(reason), "", 0);
      if (options.all) return callback(null, addresses as never, 0);
      const [first] = addresses;
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}

/** One HTTP(S) request to `url`, refused before connecting to a non-public address unless allowed. */
export function requestPublic(url: URL, request: PublicRequest): Promise<IncomingMessage> {
  const { purpose, allowPrivate } = request;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.reject(
      new GatewayError("invalid_input", `${purpose} ${url.href}: only http(s) URLs are used`),
    );
  }
  const literalReason = plainlyPrivateReason(url);
  if (literalReason && !allowPrivate) return Promise.reject(refused(purpose, url.href, literalReason));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      signal: request.signal,
      ...(request.method && { method: request.method }),
      ...(request.headers && { headers: request.headers }),
      ...(!allowPrivate && { lookup: publicLookup((reason) => refused(purpose, url.href, reason)) }),
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end(request.body);
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
    const response = await requestPublic(current, {
      purpose: "input file",
      allowPrivate: options.allowPrivate,
      signal,
    }).catch((error: unknown) => {
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
      const next = URL.parse(location, current);
      if (!next) throw new GatewayError("invalid_input", `input file ${url} redirects to a malformed URL`);
      current = next;
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
