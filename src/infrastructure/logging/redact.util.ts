const SENSITIVE_KEY =
  /pass(word)?|secret|token|authorization|cookie|^code$|codeHash|otp|api[-_]?key/i;
const REDACTED = '[REDACTED]';

/** Inline secrets that can appear inside free text: bearer tokens, JWTs, cookie pairs. */
const INLINE_PATTERNS: [RegExp, string][] = [
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, REDACTED],
  [/\b(accessToken|refreshToken)=[^;\s]+/gi, `$1=${REDACTED}`],
];

/**
 * Every inline pattern needs one of these (case-insensitively a superset of them); text
 * without any, which is nearly every string logged, skips the replacements.
 */
const INLINE_HINT = /bearer|eyJ|accesstoken=|refreshtoken=/i;

export function redactText(text: string): string {
  if (!INLINE_HINT.test(text)) return text;
  return INLINE_PATTERNS.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

/** The value to log under `key`: redacted whole when the key names a secret. */
export function redactField(key: string, value: unknown): unknown {
  return SENSITIVE_KEY.test(key) ? REDACTED : redact(value);
}

/** Deep copy with every sensitive key's value replaced; strings are scrubbed of inline tokens. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Date) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    result[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
  }
  return result;
}
