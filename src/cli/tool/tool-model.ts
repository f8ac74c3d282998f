/** Which model `gengate tool <name>` runs, and the input fields it takes the image and the mask in. */
import { loraNameOf } from "../../core/lora.ts";
import { parseModelRef } from "../../core/model-ref.ts";
import { CliError } from "../cli-error.ts";

/** The owner of the catalog's aliases: `upscale` is the model `gengate/upscale`. */
const ALIAS_OWNER = "gengate";

export interface ToolModel {
  /** A model reference for `createPrediction`. */
  ref: string;
  /** A short name for the tool, in the default output file names: `upscale` for `local/upscale`. */
  label: string;
  /**
   * The input field of the image. Aliases take gengate's normalised `reference_image`, which each
   * target renames to its own field (`img` for restore-face); other models take `image`.
   */
  imageField: "image" | "reference_image";
}

/**
 * A name without a `/` is a catalog alias (`upscale` → `gengate/upscale`); one with a `/` is a model
 * reference (`local/upscale`, `owner/name:version`), and so are a version id and `lora:<name>`.
 */
export function toolModel(name: string): ToolModel {
  const lora = loraNameOf(name);
  if (lora !== undefined) return { ref: name, label: lora || "lora", imageField: "image" };
  const ref = name.includes("/") || /^[a-f0-9]{64}$/.test(name) ? name : `${ALIAS_OWNER}/${name}`;
  let parsed: ReturnType<typeof parseModelRef>;
  try {
    parsed = parseModelRef(ref);
  } catch {
    throw new CliError(
      `"${name}" is neither a tool (remove-background, upscale, restore-face, inpaint, colorize…) ` +
        'nor a model reference ("owner/name" or "owner/name:version")',
    );
  }
  if (parsed.kind === "bare-version") return { ref, label: ref.slice(0, 8), imageField: "image" };
  return { ref, label: parsed.name, imageField: parsed.owner === ALIAS_OWNER ? "reference_image" : "image" };
}
