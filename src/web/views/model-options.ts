/** The `<option>`s of a model picker, grouped by owner (the catalog's aliases first). */
import { type Html, html } from "./html.ts";

export interface ModelSummary {
  owner: string;
  name: string;
  description?: string | null;
}

export function modelOptions(models: readonly ModelSummary[], selected: string | undefined): Html {
  const owners = [...new Set(models.map((model) => model.owner))];
  return html`${owners.map(
    (owner) =>
      html`<optgroup label="${owner === "gengate" ? "Aliases (gengate)" : owner}">
        ${models
          .filter((model) => model.owner === owner)
          .map((model) => {
            const ref = `${model.owner}/${model.name}`;
            return html`<option value="${ref}" ${ref === selected ? html`selected` : ""}>${ref}</option>`;
          })}
      </optgroup>`,
  )}`;
}
