/** A value as a warning or log shows it: short JSON, whatever it is (a data URL can be megabytes). */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
