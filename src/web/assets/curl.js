// @ts-check
/** The curl command that runs a model with an input, for the user's own token. */

/** @param {string} text */
const shellQuote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * @param {string} origin where gengate is reached, e.g. http://localhost:8080
 * @param {string} model `owner/name`
 * @param {Record<string, unknown>} input
 */
export function curlCommand(origin, model, input) {
  return [
    `curl -s ${shellQuote(`${origin}/v1/models/${model}/predictions`)} \\`,
    `  -H "Authorization: Bearer $GENGATE_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -H "Prefer: wait" \\`,
    `  -d ${shellQuote(JSON.stringify({ input }))}`,
  ].join("\n");
}
