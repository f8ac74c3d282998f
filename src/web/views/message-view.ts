/** A page that only says something: not found, or the API could not answer. */
import type { Session } from "../session.ts";
import { type Html, html } from "./html.ts";
import { layout, type Section } from "./layout.ts";

export function messageView(session: Session, section: Section, title: string, message: string): Html {
  return layout(
    { title, session, section },
    html`<section class="panel" aria-labelledby="message-heading">
      <h1 id="message-heading">${title}</h1>
      <p>${message}</p>
    </section>`,
  );
}
