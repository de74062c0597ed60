import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
  SecurityRequirementObject,
} from '@nestjs/swagger';
import { AUTH_MODE_EXTENSION, AuthMode } from 'src/common/decorators/auth-mode.decorator';
import { CommonErrors } from 'src/common/errors/common.errors';
import { type ErrorDefinition, errorDefinition } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';
import { IDEMPOTENT_REPLAYED_HEADER } from 'src/common/idempotency/idempotency.constant';
import { isIdParam, OPAQUE_ID_PARAMS } from 'src/common/interceptors/object-id-params.interceptor';
import {
  IDEMPOTENCY_EXTENSION,
  MULTIPART_EXTENSION,
  type MultipartDescription,
  ROUTE_ERRORS_EXTENSION,
} from 'src/common/swagger/openapi-extensions.constant';
import { OPENAPI_LINKS } from 'src/common/swagger/openapi-links.constant';
import { documentConditionalRequests } from 'src/common/swagger/conditional-requests.util';
import { IF_MATCH_EXTENSION, PreconditionErrors } from 'src/common/http/if-match.decorator';
import { TRIMMED_TEXT_EXTENSION } from 'src/common/validation/transforms.util';
import { OBJECT_ID_PATTERN } from 'src/common/validation/rules.util';
import { notAllowedMessage } from 'src/common/validation/validation-messages.util';

export const ERROR_BODY_SCHEMA = 'ErrorBodyResponse';

const SIGNED_IN: SecurityRequirementObject[] = [{ bearer: [] }, { cookie: [] }];

const SECURITY: Record<AuthMode, SecurityRequirementObject[]> = {
  [AuthMode.Public]: [],
  [AuthMode.Guest]: [],
  [AuthMode.Optional]: [{}, ...SIGNED_IN],
  [AuthMode.Required]: SIGNED_IN,
  [AuthMode.RefreshToken]: [{ refreshCookie: [] }, { bearer: [] }],
  [AuthMode.RelaxedRequired]: [...SIGNED_IN, { refreshCookie: [] }],
};

/** The failures every route shares (docs/api.md#error-codes), each read from where it is stated. */
const SHARED = {
  /** The messages of a validation failure are the field messages, documented with each DTO. */
  validation: errorDefinition(ErrorCode.VALIDATION_ERROR, 'the field messages'),
  invalidId: CommonErrors.invalidId,
  malformedJson: errorDefinition(ErrorCode.MALFORMED_JSON),
  notAllowed: errorDefinition(ErrorCode.VALIDATION_ERROR, notAllowedMessage('<field>')),
  bodyTooLarge: CommonErrors.bodyTooLarge,
  unsupportedContentType: CommonErrors.unsupportedContentType,
  alreadyLoggedIn: errorDefinition(ErrorCode.ALREADY_LOGGED_IN),
  rateLimited: errorDefinition(ErrorCode.RATE_LIMITED),
  internal: errorDefinition(ErrorCode.INTERNAL_ERROR),
  unavailable: errorDefinition(ErrorCode.SERVICE_UNAVAILABLE),
};

const unauthorized = errorDefinition(ErrorCode.UNAUTHORIZED);
const accessTokenExpired = errorDefinition(ErrorCode.ACCESS_TOKEN_EXPIRED);

const UNAUTHORIZED: Record<AuthMode, ErrorDefinition[]> = {
  [AuthMode.Public]: [],
  [AuthMode.Guest]: [],
  [AuthMode.Optional]: [
    { ...unauthorized, message: `${unauthorized.message} (credentials sent but not valid)` },
    accessTokenExpired,
  ],
  [AuthMode.Required]: [unauthorized, accessTokenExpired],
  [AuthMode.RefreshToken]: [unauthorized, errorDefinition(ErrorCode.INVALID_REFRESH_TOKEN)],
  [AuthMode.RelaxedRequired]: [unauthorized],
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const MULTIPART = 'multipart/form-data';

function errorResponse(lines: string[]): ResponseObject {
  return {
    description: lines.join(' | '),
    content: {
      'application/json': { schema: { $ref: `#/components/schemas/${ERROR_BODY_SCHEMA}` } },
    },
  };
}

/**
 * What every 429 carries (docs/api.md#rate-limit-headers): every API route passes the rate-limit
 * guard before anything can refuse it, so the fields are there whichever limit refused.
 */
const RATE_LIMITED_HEADERS: Record<string, HeaderObject> = {
  'Retry-After': {
    description: 'Seconds to wait before retrying; takes precedence over `RateLimit`.',
    required: true,
    schema: { type: 'integer', minimum: 1 },
  },
  RateLimit: {
    description:
      'draft-ietf-httpapi-ratelimit-headers-11: per bucket counted, `"<name>";r=<left>;t=<seconds to the window end>`; the refusing bucket has `r=0`.',
    required: true,
    schema: { type: 'string', example: '"global";r=0;t=412' },
  },
  'RateLimit-Policy': {
    description: 'Per bucket counted, `"<name>";q=<requests per window>;w=<window in seconds>`.',
    required: true,
    schema: { type: 'string', example: '"global";q=1000;w=900' },
  },
};

/**
 * Every `:…Id` path parameter (and the `userId` query of `GET /video`) is an ObjectId, or has the
 * format OPAQUE_ID_PARAMS gives it, as ObjectIdParamsInterceptor enforces.
 */
function documentObjectIds(operation: OperationObject): void {
  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    const opaque =
      parameter.in === 'path' && Object.hasOwn(OPAQUE_ID_PARAMS, parameter.name)
        ? OPAQUE_ID_PARAMS[parameter.name]
        : undefined;
    const isId =
      parameter.in === 'path'
        ? isIdParam(parameter.name)
        : parameter.in === 'query' && parameter.name === 'userId';
    if (opaque) parameter.schema = { type: 'string', ...opaque };
    else if (isId)
      parameter.schema = {
        type: 'string',
        pattern: OBJECT_ID_PATTERN,
        example: '65f1a2b3c4d5e6f708192a3b',
      };
  }
}

/**
 * The multipart body of an upload route: the file fields `@MultipartUpload()` enforces, then the
 * text fields of the route's body DTO (which Nest documented as the body, by reference), inline
 * so that form-rendering clients see one flat list of fields. Returns the DTO's schema name.
 */
function documentMultipartBody(
  operation: OperationObject,
  upload: MultipartDescription,
  schemas: Record<string, SchemaObject | ReferenceObject>,
): string | undefined {
  const declared = (operation.requestBody as RequestBodyObject | undefined)?.content[MULTIPART]
    ?.schema;
  const name = declared && isReference(declared) ? declared.$ref.split('/').pop() : undefined;
  const resolved = name === undefined ? declared : schemas[name];
  const text: SchemaObject = resolved && !isReference(resolved) ? resolved : {};
  operation.requestBody = {
    required: true,
    description: upload.description,
    content: {
      [MULTIPART]: {
        schema: {
          type: 'object',
          required: [
            ...Object.keys(upload.files).filter((name) => !upload.replaceable?.includes(name)),
            ...(text.required ?? []),
          ],
          properties: { ...upload.files, ...text.properties },
        },
        encoding: upload.encoding,
      },
    },
  };
  return name;
}

/** Drops the named schemas that nothing refers to any more (text-field DTOs now inlined). */
function dropUnreferenced(document: OpenAPIObject, names: Set<string>): void {
  const schemas = document.components?.schemas;
  if (!schemas || names.size === 0) return;
  const text = JSON.stringify(document);
  for (const name of names)
    if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
}

function takesInput(operation: OperationObject): boolean {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  return parameters.length > 0 || operation.requestBody !== undefined;
}

/**
 * Completes every operation from the route metadata: its security requirements, the body of an
 * upload, and the error responses it can give — its upload's and its own (`@Endpoint`) plus
 * those every route shares (400 for any invalid input, the 401s of its auth mode, 429,
 * 500, 503) — all with the error body schema, one `CODE: message` line per failure.
 */
export function completeOperations(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const inlined = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      const mode = (operation[AUTH_MODE_EXTENSION] as AuthMode | undefined) ?? AuthMode.Required;
      const own = (operation[ROUTE_ERRORS_EXTENSION] as ErrorDefinition[] | undefined) ?? [];
      const upload = operation[MULTIPART_EXTENSION] as MultipartDescription | undefined;
      const ifMatch = operation[IF_MATCH_EXTENSION] as { representation: string } | undefined;
      const idempotency = operation[IDEMPOTENCY_EXTENSION] as ErrorDefinition[] | undefined;
      delete operation[AUTH_MODE_EXTENSION];
      delete operation[IDEMPOTENCY_EXTENSION];
      delete operation[ROUTE_ERRORS_EXTENSION];
      delete operation[MULTIPART_EXTENSION];
      delete operation[IF_MATCH_EXTENSION];
      operation.security = SECURITY[mode];
      documentObjectIds(operation);
      const textFields = upload && documentMultipartBody(operation, upload, schemas);
      if (textFields) inlined.add(textFields);

      const lines = new Map<number, string[]>();
      const add = (...failures: ErrorDefinition[]): void => {
        for (const { status, code, message } of failures)
          lines.set(status, [...(lines.get(status) ?? []), `${code}: ${message}`]);
      };
      add(...(upload?.errors ?? []), ...own, ...(idempotency ?? []));
      if (takesInput(operation)) add(SHARED.validation, SHARED.invalidId);
      if (method !== 'get' && method !== 'head') {
        // Any body sent to a write route is read (and refused when not allowed).
        add(
          SHARED.malformedJson,
          SHARED.notAllowed,
          SHARED.bodyTooLarge,
          SHARED.unsupportedContentType,
        );
      }
      if (ifMatch) add(PreconditionErrors.mismatch, PreconditionErrors.malformed);
      if (mode === AuthMode.Guest) add(SHARED.alreadyLoggedIn);
      add(...UNAUTHORIZED[mode]);
      add(SHARED.rateLimited, SHARED.internal, SHARED.unavailable);

      const responses = (operation.responses ??= {});
      for (const [status, entries] of lines)
        responses[String(status)] = {
          ...errorResponse([...new Set(entries)]),
          ...(status === 429 ? { headers: RATE_LIMITED_HEADERS } : {}),
        };
      closeRequestBody(document, operation);
      // After the error lines: its header parameters are no input that can be invalid.
      documentConditionalRequests(operation, method, ifMatch?.representation);
      if (idempotency) documentReplayHeader(operation);
      nameSuccessEnvelope(document, operation);
    }
  }
  dropUnreferenced(document, inlined);
  linkOperations(document);
  dropRawLengthOfTrimmedTexts(document);
  closeResponseSchemas(document);
}

/**
 * Every object a response can carry lists all of its keys (contract §1.12: documented fields
 * are always present, nothing else is sent), so each is closed: `additionalProperties: false`
 * on every object schema reachable from a response, through references and arrays. Generated
 * clients get exact types, and the fuzzing's response-conformance check fails on any key the
 * document does not name.
 */
function closeResponseSchemas(document: OpenAPIObject): void {
  const seen = new Set<SchemaObject>();
  const close = (node: SchemaObject | ReferenceObject | undefined): void => {
    const schema = node && resolveSchema(document, node);
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    if (schema.properties) {
      schema.additionalProperties ??= false;
      for (const property of Object.values(schema.properties)) close(property);
    }
    if (schema.items) close(schema.items);
    for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
      close(part);
  };
  for (const item of Object.values(document.paths))
    for (const method of METHODS)
      for (const response of Object.values(item[method]?.responses ?? {}))
        if (response && !isReference(response))
          for (const media of Object.values(response.content ?? {})) close(media.schema);
}

/** A replayed success says so in a header (docs/api.md#idempotency-key); a first answer does not. */
function documentReplayHeader(operation: OperationObject): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!status.startsWith('2') || !response || isReference(response)) continue;
    response.headers = {
      ...response.headers,
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description:
          'Present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
    };
  }
}

/**
 * A trimmed text states its length in its pattern (`trimmedText`); the `maxLength` the Swagger
 * plugin copies from `@MaxLength` would bound the raw value, which may be longer.
 */
function dropRawLengthOfTrimmedTexts(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record[TRIMMED_TEXT_EXTENSION] === true) delete record.maxLength;
  for (const value of Object.values(record)) dropRawLengthOfTrimmedTexts(value);
}

function isReference(value: object): value is ReferenceObject {
  return '$ref' in value;
}

/** The schema itself, or the component a `#/components/schemas/…` reference names. */
function resolveSchema(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject,
): SchemaObject | undefined {
  if (!isReference(schema)) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const component = document.components?.schemas?.[name];
  return component && !isReference(component) ? component : undefined;
}

/**
 * Moves the operation's success envelope (built inline by `@Endpoint`) into a component named
 * `<operationId>Success`: generated clients get a named type, and tools that infer resources from
 * responses (schemathesis picks the ids it reuses this way) see the payload schema under `data`
 * instead of naming the envelope after the route's path.
 */
function nameSuccessEnvelope(document: OpenAPIObject, operation: OperationObject): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!status.startsWith('2') || !response || isReference(response)) continue;
    const media = response.content?.['application/json'];
    if (!media?.schema || isReference(media.schema) || !operation.operationId) continue;
    const name = `${operation.operationId}Success`;
    ((document.components ??= {}).schemas ??= {})[name] = media.schema;
    media.schema = { $ref: `#/components/schemas/${name}` };
  }
}

/**
 * States what the validation already enforces on every body (docs/api.md#requests): a property the
 * schema does not list is refused (`<field> is not allowed`). A body whose properties are all
 * optional may be left out entirely: the body reader takes no body as `{}` (a PATCH without
 * changes answers the resource as it is). An upload's file fields and their media types are
 * stated by `documentMultipartBody`, from the route's upload spec.
 */
function closeRequestBody(document: OpenAPIObject, operation: OperationObject): void {
  const body = operation.requestBody as RequestBodyObject | undefined;
  for (const media of Object.values(body?.content ?? {})) {
    const schema = media.schema && resolveSchema(document, media.schema);
    if (!schema || schema.type !== 'object') continue;
    closeObjects(document, schema);
    if (body && (schema.required ?? []).length === 0) body.required = false;
  }
}

/** The whitelist applies at every depth of a validated body: nested objects are closed too. */
function closeObjects(
  document: OpenAPIObject,
  node: SchemaObject | ReferenceObject,
  seen = new Set<SchemaObject>(),
): void {
  const schema = resolveSchema(document, node);
  if (!schema || seen.has(schema)) return;
  seen.add(schema);
  if (schema.type === 'object' || schema.properties) schema.additionalProperties = false;
  for (const property of Object.values(schema.properties ?? {}))
    closeObjects(document, property, seen);
  if (schema.items) closeObjects(document, schema.items, seen);
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    closeObjects(document, part, seen);
}

/**
 * Attaches `OPENAPI_LINKS` to each source operation's success response. An unknown operationId
 * or a parameter the target does not take is a programming error, caught when the document is
 * built (the docs test builds it).
 */
function linkOperations(document: OpenAPIObject): void {
  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(document.paths))
    for (const method of METHODS) {
      const operation = item[method];
      if (operation?.operationId) operations.set(operation.operationId, operation);
    }
  const find = (operationId: string): OperationObject => {
    const operation = operations.get(operationId);
    if (!operation) throw new Error(`OpenAPI link names an unknown operation: ${operationId}`);
    return operation;
  };
  for (const [source, targets] of Object.entries(OPENAPI_LINKS)) {
    const operation = find(source);
    const status = Object.keys(operation.responses).find((code) => code.startsWith('2'));
    const response = status === undefined ? undefined : operation.responses[status];
    if (!response || isReference(response))
      throw new Error(`OpenAPI link source without a success response: ${source}`);
    response.links = {};
    for (const [target, parameters] of Object.entries(targets)) {
      const accepted = new Set(
        ((find(target).parameters ?? []) as ParameterObject[]).map((parameter) => parameter.name),
      );
      for (const name of Object.keys(parameters))
        if (!accepted.has(name))
          throw new Error(`OpenAPI link ${source} → ${target}: ${target} takes no ${name}`);
      response.links[target] = { operationId: target, parameters };
    }
  }
}
