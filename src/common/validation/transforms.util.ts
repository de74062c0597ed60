import { Transform } from 'class-transformer';

/** Trims strings before any length or format rule runs (*trimmed* in docs/api.md#validation). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Marks a trimmed text in the OpenAPI document; `completeOperations` drops its raw `maxLength`. */
export const TRIMMED_TEXT_EXTENSION = 'x-trimmed';

export interface TrimmedTextFacets {
  [TRIMMED_TEXT_EXTENSION]: true;
  minLength?: number;
  pattern: string;
}

/** The characters `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator). */
const TRIM_SPACE_CHARS =
  '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
export const TRIM_SPACE = `[${TRIM_SPACE_CHARS}]`;
const NOT_TRIM_SPACE = `[^${TRIM_SPACE_CHARS}]`;

/**
 * OpenAPI facets of a text trimmed before its length rule (docs/api.md#validation): `min`–`max`
 * characters once trimmed. The raw value may be longer (its surrounding white space goes), so the
 * bound is a `pattern` on what lies between the first and the last non-space character; a blank
 * value trims to "" and fails as missing. White space is spelled out as the set
 * `String.prototype.trim` removes rather than `\s`: `\s` means that set in ECMAScript but another
 * one elsewhere (Python's lacks U+FEFF and has U+001C–U+001F), and fuzzers and client generators
 * run the pattern in their own engine. Clients and API fuzzers read the rule from the document
 * instead of learning it from 400s.
 */
export function trimmedText(min: 0 | 1, max: number): TrimmedTextFacets {
  const text = `${NOT_TRIM_SPACE}(?:[\\s\\S]{0,${max - 2}}${NOT_TRIM_SPACE})?`;
  const facets =
    min === 0
      ? { pattern: `^${TRIM_SPACE}*(?:${text})?${TRIM_SPACE}*$` }
      : { minLength: 1, pattern: `^${TRIM_SPACE}*${text}${TRIM_SPACE}*$` };
  return { [TRIMMED_TEXT_EXTENSION]: true, ...facets };
}

/** Trims and lowercases (usernames, emails, identifiers). */
export const TrimLowercase = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

/** Query integers: plain base-10 digits only; anything else is left as is so the rule rejects it. */
export const ToQueryInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value,
  );

/** Query and multipart booleans: exactly `true` or `false`; never trust "false" to be falsy. */
export const ToStrictBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    return value;
  });
