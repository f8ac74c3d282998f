/**
 * An ajv instance built on first use: ajv (and ajv-formats) cost an idle server memory until a
 * request brings a schema to check. ajv is CommonJS, so it loads synchronously through `require`
 * and the checks that use it stay synchronous.
 */
import { createRequire } from "node:module";
import type { Ajv, Options } from "ajv";

const require = createRequire(import.meta.url);

/** Returns a getter for one ajv instance with `options`, made by `setUp` the first time it is asked for. */
export function lazyAjv(options: Options, setUp: (ajv: Ajv) => void = () => {}): () => Ajv {
  let ajv: Ajv | undefined;
  return () => {
    if (!ajv) {
      const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
      ajv = new AjvClass(options);
      setUp(ajv);
    }
    return ajv;
  };
}

/** ajv-formats' plugin, loaded with the first ajv that needs it. */
export function addFormats(ajv: Ajv): void {
  (require("ajv-formats") as { default: (ajv: Ajv) => Ajv }).default(ajv);
}
