// @ts-check
/** The confirmation of a bulk action: a modal dialog that states what will happen, answered yes or no. */
import { byId } from "./dom.js";

const dialog = byId("bulk-confirm", HTMLDialogElement);
const question = byId("bulk-question");

/**
 * Shows `text` and resolves true when the person confirms, false when they go back (or press Escape).
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export function confirmBulk(text) {
  question.textContent = text;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
  });
}
