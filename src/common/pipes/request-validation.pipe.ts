import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { AppException, type ErrorLocation } from 'src/common/errors/app.exception';
import { CommonErrors } from 'src/common/errors/common.errors';
import { findUnsafeInput } from 'src/common/validation/unsafe-input.util';
import {
  flattenValidationErrors,
  type MappedFieldError,
  OBJECT_ID_CONSTRAINT,
} from 'src/common/validation/validation-messages.util';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

/**
 * The global pipe (docs/api.md#validation). Bodies reject unknown properties; query strings ignore
 * them; nothing is coerced implicitly; a repeated query parameter is an error. Prototype keys
 * and ill-formed Unicode are reported for every location before any validator sees the input.
 * Synchronous on purpose: Nest resolves arguments in declaration order, so params fail before
 * query and body.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype, type } = metadata;
    if (type === 'custom' || !metatype || PRIMITIVES.includes(metatype)) return value;
    const location: ErrorLocation = type === 'param' ? 'params' : type;

    let input: Record<string, unknown>;
    // No body at all reads as `{}`; a body that is JSON `null` was sent, and is not an object.
    if (value === undefined || (value === null && location !== 'body')) {
      input = {};
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      input = { ...(value as Record<string, unknown>) };
    } else {
      throw AppException.validation([
        { field: location, location, message: 'Request body must be a JSON object' },
      ]);
    }

    const repeated: MappedFieldError[] = [];
    if (type === 'query') {
      const declared = declaredProperties(metatype);
      for (const [key, raw] of Object.entries(input)) {
        if (!declared.has(key)) {
          delete input[key];
        } else if (Array.isArray(raw) || (typeof raw === 'object' && raw !== null)) {
          repeated.push({
            field: key,
            location,
            message: `${key} must be a single value`,
            constraint: 'isSingleValue',
          });
          delete input[key];
        }
      }
    }

    // Withheld from the validators, which could throw on them (validator.js on a lone surrogate),
    // and reported instead of whatever the validators would say about the field's absence.
    const unsafe = findUnsafeInput(input, location);
    const withheld = new Set([...repeated, ...unsafe].map((p) => topLevelField(p.field)));
    for (const field of withheld) delete input[field];

    const instance = plainToInstance(metatype as new () => object, input, {
      enableImplicitConversion: false,
      exposeDefaultValues: true,
    });
    const errors = validateSync(instance, {
      whitelist: true,
      forbidNonWhitelisted: type !== 'query',
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    });
    const problems = [
      ...repeated,
      ...unsafe,
      ...flattenValidationErrors(errors, location).filter(
        (p) => !withheld.has(topLevelField(p.field)),
      ),
    ];
    if (problems.length === 0) return instance;

    const fieldErrors = problems.map(({ field, location: where, message }) => ({
      field,
      location: where,
      message,
    }));
    if (problems.every((p) => p.constraint === OBJECT_ID_CONSTRAINT)) {
      throw CommonErrors.invalidId(fieldErrors);
    }
    throw AppException.validation(fieldErrors, { warn: unsafe.length > 0 });
  }
}

function topLevelField(path: string): string {
  const dot = path.indexOf('.');
  return dot === -1 ? path : path.slice(0, dot);
}

const declaredCache = new WeakMap<object, Set<string>>();

function declaredProperties(metatype: object): Set<string> {
  let names = declaredCache.get(metatype);
  if (!names) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(
      metatype as new () => object,
      '',
      true,
      false,
    );
    names = new Set(metadata.map((entry) => entry.propertyName));
    declaredCache.set(metatype, names);
  }
  return names;
}
