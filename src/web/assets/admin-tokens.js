// @ts-check
/** The tokens page: create a token (its secret shown this once), list them with their last use, revoke. */
import { api } from "./api.js";
import { byId, h } from "./dom.js";
import { dateTime } from "./format.js";

/** @typedef {{ id: string, name: string, admin: boolean, created_at: string, last_used_at: string | null, revoked_at: string | null }} TokenJson */

const form = byId("new-token", HTMLFormElement);
const nameInput = byId("token-name", HTMLInputElement);
const adminBox = byId("token-admin", HTMLInputElement);
const formError = byId("token-error");
const secretBox = byId("new-secret");
const secret = byId("secret");
const secretStatus = byId("secret-status");
const listStatus = byId("tokens-status");
const body = /** @type {HTMLTableSectionElement} */ (byId("tokens", HTMLTableElement).tBodies[0]);

/** This session's own token, which cannot revoke itself. */
let ownId = "";

/** @param {string | null} iso */
const when = (iso) => (iso ? h("time", { datetime: iso }, dateTime(iso)) : "never");

/** @param {TokenJson} token */
function row(token) {
  const revoke =
    token.revoked_at !== null
      ? null
      : token.id === ownId
        ? h("span", { class: "hint" }, "This session's token")
        : h(
            "button",
            {
              type: "button",
              class: "quiet",
              "aria-label": `Revoke ${token.name}`,
              onclick: () => revokeToken(token),
            },
            "Revoke",
          );
  return h(
    "tr",
    { "data-id": token.id, class: token.revoked_at ? "revoked" : null },
    h("th", { scope: "row" }, token.name),
    h("td", {}, token.admin ? "Admin" : "User"),
    h("td", {}, when(token.created_at)),
    h("td", {}, when(token.last_used_at)),
    h("td", {}, token.revoked_at ? h("span", {}, "Revoked ", when(token.revoked_at)) : "Live"),
    h("td", {}, revoke),
  );
}

async function load() {
  const [{ results }, account] = await Promise.all([api("/v1/admin/tokens"), api("/v1/account")]);
  ownId = account.gengate.token_id;
  /** @type {TokenJson[]} */
  const tokens = results;
  // Live ones first, newest first.
  tokens.sort(
    (a, b) =>
      Number(a.revoked_at !== null) - Number(b.revoked_at !== null) ||
      b.created_at.localeCompare(a.created_at),
  );
  body.replaceChildren(...tokens.map(row));
  const live = tokens.filter((token) => token.revoked_at === null).length;
  listStatus.textContent = `${live} live token${live === 1 ? "" : "s"}, ${tokens.length - live} revoked.`;
}

/** @param {TokenJson} token */
async function revokeToken(token) {
  if (!confirm(`Revoke the token "${token.name}"? Whatever uses it stops working at once.`)) return;
  try {
    await api(`/v1/admin/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
    await load();
    listStatus.textContent = `Revoked ${token.name}. ${listStatus.textContent}`;
  } catch (error) {
    listStatus.textContent = error instanceof Error ? error.message : String(error);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  formError.textContent = "";
  if (nameInput.value.trim() === "") {
    formError.textContent = "Name: give the token a name";
    nameInput.focus();
    return;
  }
  try {
    const created = await api("/v1/admin/tokens", {
      method: "POST",
      json: { name: nameInput.value, admin: adminBox.checked },
    });
    secret.textContent = created.token;
    secretStatus.textContent = "";
    secretBox.hidden = false;
    form.reset();
    await load();
    byId("copy-secret").focus();
  } catch (error) {
    formError.textContent = error instanceof Error ? error.message : String(error);
  }
});

byId("copy-secret", HTMLButtonElement).addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(secret.textContent ?? "");
    secretStatus.textContent = "Copied the token";
  } catch (error) {
    secretStatus.textContent = error instanceof Error ? error.message : String(error);
  }
});

load().catch((error) => {
  listStatus.textContent = error instanceof Error ? error.message : String(error);
});
