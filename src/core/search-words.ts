/**
 * The words of a full-text search: runs of letters and digits, lower-cased, as both databases split
 * the indexed text. Every word must occur in a match, each as a word or the start of one.
 */
export const MAX_SEARCH_WORDS = 16;

export function searchWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)];
}
