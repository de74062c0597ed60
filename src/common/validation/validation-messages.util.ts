import type { ValidationError } from 'class-validator';
import type { ErrorLocation, FieldError } from 'src/common/errors/app.exception';

/** Constraint name given to every ObjectId rule, so a failure can be reported as INVALID_ID. */
export const OBJECT_ID_CONSTRAINT = 'isObjectId';
/** Constraint name of the "unknown property" rule. */
export const WHITELIST_CONSTRAINT = 'whitelistValidation';

/** A property the route does not take, wherever it is refused (DTOs, bodyless routes, uploads). */
export const notAllowedMessage = (field: string): string => `${field} is not allowed`;

/**
 * One message per field, chosen by priority so the answer does not depend on decorator order:
 * unknown property, then missing, then wrong type, then the first remaining rule.
 */
const PRIORITY = [
  WHITELIST_CONSTRAINT,
  'isDefined',
  'isString',
  'isBoolean',
  'isInt',
  'isSingleValue',
  OBJECT_ID_CONSTRAINT,
  'isNotEmpty',
  'minLength',
  'maxLength',
  'minBytes',
  'maxBytes',
];

function pickConstraint(constraints: Record<string, string>): [string, string] {
  for (const name of PRIORITY) {
    const message = constraints[name];
    if (message !== undefined) return [name, message];
  }
  const first = Object.entries(constraints)[0];
  return first ?? ['unknown', 'Invalid value'];
}

export interface MappedFieldError extends FieldError {
  constraint: string;
}

export function flattenValidationErrors(
  errors: ValidationError[],
  location: ErrorLocation,
  parentPath = '',
): MappedFieldError[] {
  const result: MappedFieldError[] = [];
  for (const error of errors) {
    const field = parentPath ? `${parentPath}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      const [constraint, rawMessage] = pickConstraint(error.constraints);
      const message = constraint === WHITELIST_CONSTRAINT ? notAllowedMessage(field) : rawMessage;
      result.push({ field, location, message, constraint });
    }
    if (error.children && error.children.length > 0) {
      result.push(...flattenValidationErrors(error.children, location, field));
    }
  }
  return result;
}
