/**
 * The dashboard's session: the user's API token, sealed with AES-256-GCM into the cookie. The key
 * lives in the database's settings, so every API process opens every session, and the token is
 * never stored anywhere in clear (the database keeps only its hash).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

/** How long a sign-in lasts. */
export const SESSION_LIFETIME_MS = 12 * 3600 * 1000;

const SETTING = "web_session_key";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the ciphertext to its purpose and format version. */
const AAD = Buffer.from("gengate-session-v1");

const sessionSchema = z.object({
  token: z.string().min(1),
  csrf: z.string().min(1),
  name: z.string(),
  /** The token is an admin's: the admin pages are in the navigation (the API decides what they may do). */
  admin: z.boolean().default(false),
  expiresAt: z.number(),
});
export type Session = z.infer<typeof sessionSchema>;

/** Where the key is kept: the store's settings satisfy it. */
export interface KeyStore {
  getOrCreate(key: string, create: () => string): Promise<string>;
}

export function newSession(token: string, name: string, admin: boolean, now = Date.now()): Session {
  return {
    token,
    csrf: randomBytes(32).toString("base64url"),
    name,
    admin,
    expiresAt: now + SESSION_LIFETIME_MS,
  };
}

export class SessionSealer {
  readonly #keyStore: KeyStore;
  #key: Promise<Buffer> | undefined;

  constructor(keyStore: KeyStore) {
    this.#keyStore = keyStore;
  }

  async seal(session: Session): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, await this.#keyOf(), iv).setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  }

  /** The session sealed in `value`, or undefined when it is absent, forged, damaged or expired. */
  async open(value: string | undefined, now = Date.now()): Promise<Session | undefined> {
    if (!value) return undefined;
    const bytes = Buffer.from(value, "base64url");
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    const key = await this.#keyOf();
    try {
      const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES))
        .setAAD(AAD)
        .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
      const text = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      const session = sessionSchema.safeParse(JSON.parse(text));
      return session.success && session.data.expiresAt > now ? session.data : undefined;
    } catch {
      return undefined;
    }
  }

  #keyOf(): Promise<Buffer> {
    this.#key ??= this.#keyStore
      .getOrCreate(SETTING, () => randomBytes(32).toString("base64url"))
      .then((key) => Buffer.from(key, "base64url"));
    this.#key.catch(() => {
      this.#key = undefined;
    });
    return this.#key;
  }
}
