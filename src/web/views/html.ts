/** hono/html's tagged template escapes every interpolated value; only other templates pass through as markup. */
import type { HtmlEscapedString } from "hono/utils/html";

export { html } from "hono/html";
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
