/** Every character that has a meaning in a regular expression (JavaScript, PCRE and Java alike). */
const METACHARACTERS = /[.*+?^${}()|[\]\\]/g;

export function escapeRegex(text: string): string {
  return text.replace(METACHARACTERS, '\\$&');
}

/**
 * A MongoDB condition matching `text` literally anywhere in a string field, case-insensitively
 * (searches are literal: `(`, `.*`, `[a-` and `\` match themselves and can never cause a 500 or an
 * expensive pattern).
 */
export function containsLiteral(text: string): { $regex: string; $options: 'i' } {
  return { $regex: escapeRegex(text), $options: 'i' };
}
