/**
 * Private file links: `/files/<key>?expires=<unix seconds>&sig=<HMAC-SHA256 of path and expiry>`,
 * with a secret generated once and kept in the database's settings, so every process of one
 * gengate signs and checks the same links. Expiry is rounded up to the hour (or to the lifetime,
 * when shorter), so one file keeps one URL for a while and browsers cache it.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Links } from "../core/links.ts";

export const LINK_KEY_SETTING = "file_link_key";
const HOUR_MS = 3_600_000;

/** Where the secret is kept: the store's settings satisfy it. */
export interface LinkKeyStore {
  getOrCreate(key: string, create: () => string): Promise<string>;
}

/** Why a link does not open its file, or `ok`. */
export type LinkCheck = "ok" | "unsigned" | "bad_signature" | "expired";

export interface FileLinksOptions {
  /** The signing secret; null when files are public. */
  secret: string | null;
  ttlMs: number;
  now?: () => number;
}

export class FileLinks {
  private readonly secret: string | null;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: FileLinksOptions) {
    this.secret = options.secret;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** Signed links with the database's secret, or public ones when `publicFiles`. */
  static async open(
    keys: LinkKeyStore,
    options: { publicFiles: boolean; ttlMs: number },
  ): Promise<FileLinks> {
    const secret = options.publicFiles
      ? null
      : await keys.getOrCreate(LINK_KEY_SETTING, () => randomBytes(32).toString("base64url"));
    return new FileLinks({ secret, ttlMs: options.ttlMs });
  }

  get signed(): boolean {
    return this.secret !== null;
  }

  /** The links of a client that reaches gengate at `base`. */
  for(base: string): Links {
    return { base, file: (key) => `${base}${this.path(key)}` };
  }

  /** `/files/<key>`, signed until a bucketed expiry. */
  path(key: string): string {
    const path = `/files/${key}`;
    if (this.secret === null) return path;
    const bucketMs = Math.min(HOUR_MS, this.ttlMs);
    const expires = (Math.ceil((this.now() + this.ttlMs) / bucketMs) * bucketMs) / 1000;
    return `${path}?expires=${expires}&sig=${this.sign(path, expires)}`;
  }

  /** Whether `expires` and `sig` (from a link's query) open the file under `key` now. */
  check(key: string, expires: string | undefined, sig: string | undefined): LinkCheck {
    if (this.secret === null) return "ok";
    if (!expires || !sig || !/^\d{1,12}$/.test(expires)) return "unsigned";
    const expected = Buffer.from(this.sign(`/files/${key}`, Number(expires)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad_signature";
    return Number(expires) * 1000 > this.now() ? "ok" : "expired";
  }

  /** Seconds until a link with this `expires` stops working (0 when it has). */
  secondsLeft(expires: string | undefined): number {
    return Math.max(0, Math.floor(Number(expires ?? 0) - this.now() / 1000));
  }

  private sign(path: string, expires: number): string {
    return createHmac("sha256", this.secret ?? "")
      .update(`${path}\n${expires}`)
      .digest("base64url");
  }
}
