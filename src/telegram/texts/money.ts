/** What the languages format alike. */

/** An amount in USD with at least cents, and tenths of a cent when it has them: $0.50, $0.003. */
export const usdOf = (usd: number): string => `$${usd.toFixed(4).replace(/(\.\d{2}\d*?)0+$/, "$1")}`;

export const capitalized = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
