/** The `<option>`s of a model picker, grouped by owner (the catalog's aliases first), then the user's LoRAs. */
import type { Schema } from "../../api-client/api-types.ts";
import { type Html, html } from "./html.ts";

export type ModelSummary = Pick<Schema<"Model">, "owner" | "name">;

/** `loras` are `lora:<name>` references, run like models. */
export function modelOptions(
  models: readonly ModelSummary[],
  selected: string | undefined,
  loras: readonly string[] = [],
): Html {
  const owners = [...new Set(models.map((model) => model.owner))];
  const option = (ref: string) =>
    html`<option value="${ref}" ${ref === selected ? html`selected` : ""}>${ref}</option>`;
  return html`${owners.map(
    (owner) =>
      html`<optgroup label="${owner === "gengate" ? "Aliases (gengate)" : owner}">
        ${models
          .filter((model) => model.owner === owner)
          .map((model) => option(`${model.owner}/${model.name}`))}
      </optgroup>`,
  )}${loras.length > 0 ? html`<optgroup label="Your LoRAs">${loras.map(option)}</optgroup>` : ""}`;
}
