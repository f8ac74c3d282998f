/** The session cookie: HttpOnly, SameSite=Strict, Secure when the dashboard is reached over https. */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isHttps } from "./request-origin.ts";
import { SESSION_LIFETIME_MS } from "./session.ts";

const COOKIE = "gengate_session";

const options = (c: Context) =>
  ({ path: "/", httpOnly: true, sameSite: "Strict", secure: isHttps(c) }) as const;

export const readSessionCookie = (c: Context): string | undefined => getCookie(c, COOKIE);

export function writeSessionCookie(c: Context, sealed: string): void {
  setCookie(c, COOKIE, sealed, { ...options(c), maxAge: Math.floor(SESSION_LIFETIME_MS / 1000) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, COOKIE, options(c));
}
