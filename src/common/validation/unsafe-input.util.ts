import type { ErrorLocation } from 'src/common/errors/app.exception';
import {
  type MappedFieldError,
  notAllowedMessage,
  WHITELIST_CONSTRAINT,
} from 'src/common/validation/validation-messages.util';

/** Constraint name of the "not well-formed Unicode" rule. */
export const WELL_FORMED_CONSTRAINT = 'isWellFormed';

/**
 * Keys through which a copy or merge of the input reaches an object's prototype. class-transformer
 * drops them silently, so the whitelist never sees them; they are reported here instead.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no validator may be handed, anywhere in the input: prototype keys (reported exactly like
 * any unknown property, `<field> is not allowed`) and strings that are not well-formed Unicode
 * (a lone surrogate, e.g. from a `"\ud800"` escape, makes validator.js throw a URIError).
 * Field paths as in `flattenValidationErrors` (`title`, `items.0.name`), in input order.
 */
export function findUnsafeInput(
  input: Record<string, unknown>,
  location: ErrorLocation,
): MappedFieldError[] {
  const problems: MappedFieldError[] = [];
  // A stack holding each object's entries in reverse, so problems come out in input order.
  const pending = entriesOf(input);
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { key, path, value } = item;
    if (PROTOTYPE_KEYS.has(key)) {
      problems.push({
        field: path,
        location,
        message: notAllowedMessage(path),
        constraint: WHITELIST_CONSTRAINT,
      });
    } else if (typeof value === 'string') {
      if (!value.isWellFormed()) {
        problems.push({
          field: path,
          location,
          message: `${path} must be valid Unicode text`,
          constraint: WELL_FORMED_CONSTRAINT,
        });
      }
    } else if (typeof value === 'object' && value !== null) {
      pending.push(...entriesOf(value, path));
    }
  }
  return problems;
}

interface Entry {
  key: string;
  path: string;
  value: unknown;
}

function entriesOf(value: object, parent?: string): Entry[] {
  return Object.entries(value as Record<string, unknown>)
    .map(([key, child]) => ({
      key,
      path: parent === undefined ? key : `${parent}.${key}`,
      value: child,
    }))
    .reverse();
}
