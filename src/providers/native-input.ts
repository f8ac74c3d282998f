/**
 * A provider's input is what gengate's normalised parameters map to, plus every field the request
 * sent in the provider's own names: those pass through as they are and win over a mapped value,
 * each override said as a warning (never silent).
 */
import { isDeepStrictEqual } from "node:util";
import { preview } from "../core/value-preview.ts";

export interface NativeInput {
  input: Record<string, unknown>;
  warnings: string[];
}

/** `mapped`: the provider's input made from gengate's parameters; `gengateNames`: those parameters. */
export function withNativeFields(
  mapped: Record<string, unknown>,
  request: Record<string, unknown>,
  gengateNames: ReadonlySet<string>,
): NativeInput {
  const input = { ...mapped };
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(request)) {
    if (gengateNames.has(name)) continue;
    if (name in input && !isDeepStrictEqual(input[name], value))
      warnings.push(
        `${name} ${preview(value)}, sent in the provider's own name, wins over ${preview(input[name])} from gengate's parameters`,
      );
    input[name] = value;
  }
  return { input, warnings };
}
