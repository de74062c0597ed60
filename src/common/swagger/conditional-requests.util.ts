import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
} from '@nestjs/swagger';
import { strongEtag } from 'src/common/http/entity-tag.util';
import {
  NO_STORE,
  PRIVATE_REVALIDATE,
  PUBLIC_REVALIDATE,
} from 'src/common/http/http-caching.middleware';

/** `strongEtag`: 27 base64url characters, quoted, never `W/`. */
const ETAG_HEADER: HeaderObject = {
  required: true,
  description:
    'Strong entity tag of the exact response body (SHA-256, 27 base64url characters, quoted)',
  schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]{27}"$', example: strongEtag('{}') },
};

const CACHE_CONTROL_HEADER: HeaderObject = {
  required: true,
  description:
    'public, max-age=0, must-revalidate without credentials; private, no-cache with credentials; ' +
    'private, no-store for /auth reads with credentials (docs/api.md#caching)',
  schema: { type: 'string', enum: [PUBLIC_REVALIDATE, PRIVATE_REVALIDATE, NO_STORE] },
};

/** Plain strings: any value is accepted, a value that does not parse simply matches nothing. */
const IF_NONE_MATCH: ParameterObject = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description:
    'ETags of copies the client holds (a list, `W/` accepted), or `*`. When one matches the ' +
    'current ETag the answer is 304 without a body.',
  schema: { type: 'string' },
};

const IF_MATCH: Record<string, ParameterObject> = {
  'get-body': {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The ETag of the resource’s GET for this caller, a list of them, or `*` (the resource ' +
      'exists). Anything else: 412 PRECONDITION_FAILED, nothing changes.',
    schema: { type: 'string' },
  },
  item: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The ETag of the item as the lists show it to this caller (this operation’s ETag header), ' +
      'a list of them, or `*` (the item exists). Anything else: 412 PRECONDITION_FAILED, ' +
      'nothing changes.',
    schema: { type: 'string' },
  },
};

const NOT_MODIFIED: ResponseObject = {
  description: 'Not Modified: If-None-Match matched the current ETag; no body',
  headers: { ETag: ETAG_HEADER, 'Cache-Control': CACHE_CONTROL_HEADER },
};

/**
 * Conditional requests in the document (docs/api.md#caching): every `GET` takes `If-None-Match`,
 * answers 200 with `ETag` and `Cache-Control`, and may answer 304; a write declared with
 * `@IfMatch` takes `If-Match` (its 412 is among the error lines), and with the `item`
 * representation answers with the item's `ETag`.
 */
export function documentConditionalRequests(
  operation: OperationObject,
  method: string,
  ifMatch: string | undefined,
): void {
  const ok = operation.responses['200'] as ResponseObject | undefined;
  if (method === 'get') {
    (operation.parameters ??= []).push(IF_NONE_MATCH);
    if (ok)
      ok.headers = { ...ok.headers, ETag: ETAG_HEADER, 'Cache-Control': CACHE_CONTROL_HEADER };
    operation.responses['304'] = NOT_MODIFIED;
  }
  if (ifMatch !== undefined) {
    const parameter = IF_MATCH[ifMatch];
    if (!parameter) throw new Error(`Unknown If-Match representation: ${ifMatch}`);
    (operation.parameters ??= []).push(parameter);
    if (ok && ifMatch === 'item')
      ok.headers = {
        ...ok.headers,
        ETag: { ...ETAG_HEADER, description: 'The ETag of the item now (for the next If-Match)' },
      };
  }
}
