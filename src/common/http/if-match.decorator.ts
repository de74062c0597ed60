import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AppException } from 'src/common/errors/app.exception';
import { defineError } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import {
  type EntityTagList,
  matchesStrongly,
  parseEntityTags,
  strongEtag,
} from 'src/common/http/entity-tag.util';
import { DATA_ETAG_KEY, type Representation } from 'src/common/http/representation.util';

/** OpenAPI extension naming the representation an operation's `If-Match` is compared with. */
export const IF_MATCH_EXTENSION = 'x-dancely-if-match';

/** The two 412s of an `If-Match` write (documented on every route that takes one). */
export const PreconditionErrors = {
  /** No listed tag is the current one, or the version moved between check and write. */
  mismatch: defineError(ErrorCode.PRECONDITION_FAILED),
  malformed: defineError(
    ErrorCode.PRECONDITION_FAILED,
    'If-Match must be * or a list of quoted entity tags',
  ),
} as const;

/**
 * A write's `If-Match` (docs/api.md#caching), evaluated by the service after its 404 and 403
 * checks (RFC 9110 §13.2.1: a request that would fail anyway fails with its own status), and
 * before it writes. A service that writes after a passing check makes the write conditional on
 * the version (`updatedAt`) the representation was built from, and answers `changedMeanwhile()`
 * when that version moved in between: no concurrent write slips in between check and write.
 */
export class WritePrecondition<T> {
  constructor(
    /** Null: the header is not `*` nor a list of entity tags, so nothing can match it. */
    private readonly tags: EntityTagList | null,
    private readonly representation: Representation<T>,
  ) {}

  /** `If-Match: *`: passes whenever the resource exists; nothing to compare. */
  get isWildcard(): boolean {
    return this.tags === '*';
  }

  /** Throws 412 `PRECONDITION_FAILED` unless the tag of `current` is among the listed ones. */
  assertHolds(current: T): void {
    if (this.tags === '*') return;
    if (this.tags === null) throw PreconditionErrors.malformed();
    if (!matchesStrongly(this.tags, strongEtag(this.representation.serialise(current))))
      throw PreconditionErrors.mismatch();
  }

  /** The 412 of a write whose version changed after the check passed. */
  changedMeanwhile(): AppException {
    return PreconditionErrors.mismatch();
  }
}

const readIfMatch = createParamDecorator(
  (representation: Representation<unknown>, ctx: ExecutionContext) => {
    const value = ctx.switchToHttp().getRequest<Request>().headers['if-match'];
    return value === undefined
      ? null
      : new WritePrecondition(parseEntityTags(value), representation);
  },
);

/**
 * The request's `If-Match` as a `WritePrecondition` (null when the header is absent), compared
 * with `representation`. Also documents the header and the 412 in the OpenAPI document
 * (`completeOperations`), and with `ITEM` sends the `ETag` of the answer's `data`.
 */
export function IfMatch<T>(representation: Representation<T>): ParameterDecorator {
  return (target, key, index) => {
    readIfMatch(representation)(target, key, index);
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key === undefined || !descriptor) return;
    ApiExtension(IF_MATCH_EXTENSION, { representation: representation.kind })(
      target,
      key,
      descriptor,
    );
    if (representation.kind === 'item') SetMetadata(DATA_ETAG_KEY, true)(target, key, descriptor);
  };
}
