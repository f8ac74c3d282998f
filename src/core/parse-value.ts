/** A value typed on a command line or in a CSV cell: JSON when it parses (`4`, `true`), else the text. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
