/** The page shell: head (stylesheet, the page's module, the CSRF token for scripts), header and main. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";

export type Section =
  | "playground"
  | "compare"
  | "predictions"
  | "tools"
  | "batches"
  | "gallery"
  | "loras"
  | "providers"
  | "tokens";

export interface PageOptions {
  title: string;
  /** The page's ES module under /assets, if it has one. */
  script?: string;
  /** Signed in: the header shows the navigation and the account. */
  session?: Session;
  section?: Section;
}

/** `admin` entries are shown to admin tokens only (their pages answer 403 to others). */
const NAV: Array<{ section: Section; href: string; label: string; admin?: true }> = [
  { section: "playground", href: "/playground", label: "Playground" },
  { section: "compare", href: "/compare", label: "Compare" },
  { section: "predictions", href: "/predictions", label: "Predictions" },
  { section: "tools", href: "/tools", label: "Tools" },
  { section: "batches", href: "/batches", label: "Batches" },
  { section: "gallery", href: "/gallery", label: "Gallery" },
  { section: "loras", href: "/loras", label: "LoRAs" },
  { section: "providers", href: "/admin/providers", label: "Providers", admin: true },
  { section: "tokens", href: "/admin/tokens", label: "Tokens", admin: true },
];

export function layout(options: PageOptions, body: Html): Html {
  const { title, script, session, section } = options;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    ${session ? html`<meta name="csrf-token" content="${session.csrf}" />` : ""}
    <title>${title} · gengate</title>
    <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/assets/app.css" />
    ${script ? html`<script type="module" src="/assets/${script}"></script>` : ""}
  </head>
  <body>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="top-bar">
      <a class="brand" href="/">gengate</a>
      ${session ? header(session, section) : ""}
    </header>
    <main id="main">${body}</main>
  </body>
</html>`;
}

function header(session: Session, section: Section | undefined): Html {
  return html`<nav aria-label="Main">
      <ul class="nav-list">
        ${NAV.filter((item) => !item.admin || session.admin).map(
          (item) =>
            html`<li><a class="nav-link" href="${item.href}" ${item.section === section ? html`aria-current="page"` : ""}>${item.label}</a></li>`,
        )}
      </ul>
    </nav>
    <form class="account" method="post" action="/sign-out">
      <span class="account-name">${session.name}</span>
      <input type="hidden" name="csrf" value="${session.csrf}" />
      <button type="submit" class="quiet">Sign out</button>
    </form>`;
}
