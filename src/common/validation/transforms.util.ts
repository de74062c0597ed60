import { Transform } from 'class-transformer';

/** Trims strings before any length or format rule runs (contract §1.5 "trimmed"). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * OpenAPI `pattern` of a trimmed required text: at least one character that is not white space
 * (a blank value trims to "" and fails as missing). Clients and API fuzzers read it from the
 * document instead of learning it from 400s.
 */
export const NOT_BLANK_PATTERN = '\\S';

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
