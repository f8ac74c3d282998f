/** The admin pages: shown to admin sessions; anyone else gets a 403 page (the API checks again). */
import { Hono, type MiddlewareHandler } from "hono";
import { render } from "./render-page.ts";
import { requireSession } from "./require-session.ts";
import type { Session, SessionSealer } from "./session.ts";
import { adminOnlyView, providersView, tokensView } from "./views/admin-views.ts";
import type { Html } from "./views/html.ts";
import type { Section } from "./views/layout.ts";
import type { WebEnv } from "./web-env.ts";

export function adminRoutes(sealer: SessionSealer, headers: MiddlewareHandler): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const session = requireSession(sealer, "sign-in");
  const adminPage = (section: Section, view: (session: Session) => Html) =>
    app.get(`/admin/${section}`, headers, session, (c) => {
      const current = c.get("session");
      if (current.admin) return render(c, async () => view(current));
      c.status(403);
      return render(c, async () => adminOnlyView(current, section));
    });
  adminPage("providers", providersView);
  adminPage("tokens", tokensView);
  return app;
}
