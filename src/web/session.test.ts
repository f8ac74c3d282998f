import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { SettingsRepo } from "../store/settings-repo.ts";
import { newSession, SESSION_LIFETIME_MS, SessionSealer } from "./session.ts";

const TOKEN = "gg_session_test_token_0123456789";

describeEachBackend("SessionSealer", (open) => {
  it("opens what it sealed, in another process sharing the database's key", async () => {
    const database = await open();
    const session = newSession(TOKEN, "alice", false);
    const sealed = await new SessionSealer(new SettingsRepo(database.db)).seal(session);
    const elsewhere = new SessionSealer(new SettingsRepo((await database.reopen()).db));
    expect(await elsewhere.open(sealed)).toEqual(session);
  });

  it("keeps the token out of the cookie's value", async () => {
    const sealer = new SessionSealer(new SettingsRepo((await open()).db));
    const sealed = await sealer.seal(newSession(TOKEN, "alice", false));
    const bytes = Buffer.from(sealed, "base64url").toString("latin1");
    expect(sealed).not.toContain(TOKEN);
    expect(bytes).not.toContain(TOKEN);
    expect(bytes).not.toContain("alice");
  });

  it("refuses an expired, altered, foreign or garbled session", async () => {
    const database = await open();
    const sealer = new SessionSealer(new SettingsRepo(database.db));
    const now = Date.now();
    const sealed = await sealer.seal(newSession(TOKEN, "alice", false, now));
    expect(await sealer.open(sealed, now + SESSION_LIFETIME_MS - 1)).toBeDefined();
    expect(await sealer.open(sealed, now + SESSION_LIFETIME_MS)).toBeUndefined();

    const altered = Buffer.from(sealed, "base64url");
    altered[20] = (altered[20] ?? 0) ^ 1;
    expect(await sealer.open(altered.toString("base64url"))).toBeUndefined();

    const foreign = new SessionSealer(new SettingsRepo((await open()).db));
    expect(await foreign.open(sealed)).toBeUndefined();

    for (const garbled of [undefined, "", "abc", "x".repeat(200)])
      expect(await sealer.open(garbled)).toBeUndefined();
  });
});
