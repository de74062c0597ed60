import request from 'supertest';
import { ProbeModule } from 'test/foundation/probe.module';
import { createTestApp, type TestApp } from 'test/utils/test-app';

describe('OpenAPI documents', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the same OpenAPI 3 document at docs-json and docs/json', async () => {
    const http = t.app.getHttpServer();
    const a = await request(http).get('/api/v1/docs-json').expect(200);
    const b = await request(http).get('/api/v1/docs/json').expect(200);
    expect(a.headers['content-type']).toMatch(/application\/json/);
    expect(a.body).toEqual(b.body);
    expect(a.body.openapi).toMatch(/^3\./);
    expect(a.body.info).toMatchObject({ title: 'Dancely API', version: '1.0.0' });
    expect(a.body.servers).toEqual([{ url: `${t.config.baseUrl}/api/v1` }]);
    expect(a.headers['x-request-id']).toBeDefined();
  });

  it('describes paths relative to /api/v1 with security and error responses from the route metadata', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    expect(Object.keys(doc.paths).every((path: string) => !path.startsWith('/api/'))).toBe(true);
    const required = doc.paths['/probe/required'].get;
    expect(required.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(required.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBodyResponse',
    });
    const optional = doc.paths['/probe/optional'].get;
    expect(optional.security).toEqual([{}, { bearer: [] }, { cookie: [] }]);
    const open = doc.paths['/probe/data'].get;
    expect(open.security).toEqual([]);
    expect(open.responses['401']).toBeUndefined();
    expect(open.responses['400']).toBeDefined();
    expect(open.responses['429']).toBeDefined();
    expect(doc.paths['/probe/body'].post.responses['413']).toBeDefined();
    expect(doc.components.schemas.ErrorBodyResponse.required).toEqual(
      expect.arrayContaining(['statusCode', 'success', 'message', 'code', 'requestId']),
    );
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'accessToken' },
    });
    // Health and media are outside the versioned API and its document.
    expect(
      Object.keys(doc.paths).some(
        (path: string) => path.startsWith('/health') || path.startsWith('/media'),
      ),
    ).toBe(false);
  });

  it('serves the Swagger UI page with a CSP relaxed only for it', async () => {
    const http = t.app.getHttpServer();
    const ui = await request(http).get('/api/v1/docs/').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toContain('swagger-ui');
    expect(ui.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ui.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 404 Route not found for the docs when DOCS_ENABLED=false', async () => {
    const off = await createTestApp({ DOCS_ENABLED: 'false' });
    try {
      for (const path of ['/api/v1/docs', '/api/v1/docs-json', '/api/v1/docs/json']) {
        const res = await request(off.app.getHttpServer()).get(path).expect(404);
        expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: 'Route not found' });
      }
    } finally {
      await off.close();
    }
  });
});

describe('OpenAPI shapes of the real routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('documents every operation with a success envelope and the shared shapes by reference', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const operations = Object.values(
      doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>,
    ).flatMap((item) => Object.values(item));
    // 83 operations under /api/v1: a new route must be added here on purpose (the Cloudinary
    // webhook was the last, after the tus uploads' POST, HEAD, PATCH and DELETE and the
    // processing retry).
    expect(operations).toHaveLength(83);
    for (const operation of operations) {
      const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      expect(success.length).toBeGreaterThan(0);
    }
    const schemas = doc.components.schemas;
    expect(schemas.VideoCardResponse.properties.owner).toEqual({
      $ref: '#/components/schemas/OwnerLiteResponse',
    });
    expect(schemas.VideoDetailResponse.properties.owner).toEqual({
      $ref: '#/components/schemas/VideoOwnerResponse',
    });
  });

  it("documents a route's own failures with the codes, statuses and texts its service throws", async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const failures = (path: string, method: string, status: string): string =>
      String(doc.paths[path][method].responses[status].description);
    expect(failures('/video/{videoId}', 'get', '404')).toBe('NOT_FOUND: Video not found');
    expect(failures('/video/{videoId}', 'delete', '403')).toBe(
      'FORBIDDEN: You are not authorized to delete this video',
    );
    expect(failures('/playlist/{playlistId}/videos/{videoId}', 'post', '400')).toContain(
      'BAD_REQUEST: Playlist cannot contain more than 500 videos',
    );
    expect(failures('/auth/verify-account', 'post', '400')).toContain(
      'INVALID_CODE: Invalid verification code | CODE_EXPIRED: Verification code expired. Please request a new code | TOO_MANY_ATTEMPTS: Too many attempts, request a new code | ALREADY_VERIFIED: User already verified',
    );
    expect(failures('/auth/login', 'post', '429')).toBe(
      'RATE_LIMITED: Too many login attempts, please try again later | RATE_LIMITED: Too many requests, please try again later.',
    );
    // Every message a route can answer with, and the status it answers with.
    const toggle = doc.paths['/like/toggle-video-like/{videoId}'].post.responses;
    expect(Object.keys(toggle).filter((status) => status.startsWith('2'))).toEqual(['200']);
    const success = toggle['200'] as { content: Record<string, { schema: { $ref: string } }> };
    const envelope = success.content['application/json'].schema.$ref.split('/').pop() ?? '';
    expect(doc.components.schemas[envelope].properties.message.enum).toEqual([
      'Video liked successfully',
      'Video unliked successfully',
    ]);
  });

  it('documents upload bodies and their failures from the spec the multipart pipeline enforces', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const upload = doc.paths['/video'].post;
    const body = upload.requestBody.content['multipart/form-data'];
    // `video` or `uploadId` (a finished resumable upload): neither is required on its own.
    expect(body.schema.required).toEqual(['thumbnail', 'title']);
    expect(body.schema.properties.uploadId).toMatchObject({ pattern: '^[0-9a-fA-F]{24}$' });
    expect(upload.responses['400'].description).toContain(
      'VALIDATION_ERROR: Send either a video file or uploadId, not both',
    );
    expect(body.schema.properties.video).toEqual({
      type: 'string',
      format: 'binary',
      description: 'MP4 (checked on the bytes), at most 100 MB',
    });
    // The text fields are the body DTO's, with its limits (a trimmed text's, in its pattern).
    expect(body.schema.properties.title).toMatchObject({ minLength: 1, 'x-trimmed': true });
    expect(body.schema.properties.title.pattern).toContain('{0,98}');
    expect(body.schema.properties.title.maxLength).toBeUndefined();
    expect(body.schema.properties.isPublished).toMatchObject({ enum: ['true', 'false'] });
    expect(body.encoding).toEqual({
      video: { contentType: 'video/mp4' },
      thumbnail: { contentType: 'image/jpeg, image/png' },
    });
    expect(upload.responses['413'].description).toBe(
      'PAYLOAD_TOO_LARGE: Video file exceeds 100MB size limit | PAYLOAD_TOO_LARGE: Thumbnail exceeds 5MB size limit | PAYLOAD_TOO_LARGE: Request body too large',
    );
    expect(upload.responses['408'].description).toBe(
      'REQUEST_TIMEOUT: No upload data received for 30 seconds',
    );
    const image = doc.paths['/user/profileimage'].patch.requestBody.content['multipart/form-data'];
    expect(image.schema.required).toEqual(['profileImage']);
    expect(Object.keys(image.schema.properties)).toEqual(['profileImage']);
    // Inlined into the upload body, the text-field DTO is not left behind unused.
    expect(doc.components.schemas.UploadVideoDto).toBeUndefined();
  });

  it('states the length of a trimmed text on its trimmed value, so clients and fuzzers need not guess', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const schemas = doc.components.schemas;
    const cases: [object, number, boolean][] = [
      [schemas.CommentContentDto.properties.content, 1000, true],
      [schemas.PostContentDto.properties.content, 5000, true],
      [schemas.RegisterDto.properties.name, 50, true],
      [schemas.LoginDto.properties.identifier, 254, true],
      [schemas.CreatePlaylistDto.properties.name, 100, true],
      [schemas.UpdateVideoDto.properties.title, 100, true],
      [schemas.UpdateVideoDto.properties.description, 500, false],
      [schemas.UpdateBioDto.properties.bio, 160, false],
    ];
    for (const [field, max, required] of cases) {
      // The raw value may be longer than the limit: its surrounding white space is trimmed first.
      expect(field).toMatchObject({ 'x-trimmed': true, pattern: expect.any(String) });
      expect(field).not.toHaveProperty('maxLength');
      const pattern = new RegExp((field as { pattern: string }).pattern);
      expect(pattern.test(' \t ')).toBe(!required);
      expect(pattern.test('  salsa ')).toBe(true);
      expect(pattern.test(` \n${'a'.repeat(max)}\r `)).toBe(true);
      expect(pattern.test(`${'a'.repeat(max + 1)}`)).toBe(false);
    }
  });

  it('closes every request body and names the media types of each upload field', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    type Schema = { $ref?: string; additionalProperties?: unknown; type?: string; format?: string };
    const schemas = doc.components.schemas as Record<string, Schema>;
    const resolve = (schema: Schema): Schema =>
      schema.$ref ? schemas[schema.$ref.split('/').pop() as string] : schema;
    const paths = doc.paths as Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>
    >;
    const bodies = Object.values(paths)
      .flatMap((item) => Object.values(item))
      .flatMap((operation) => Object.values(operation.requestBody?.content ?? {}));
    expect(bodies.length).toBeGreaterThan(20);
    // Upload data (tus) is raw bytes; every other body is a closed object.
    const objects = bodies.filter((media) => resolve(media.schema).format !== 'binary');
    expect(bodies.length - objects.length).toBe(2);
    for (const media of objects) expect(resolve(media.schema).additionalProperties).toBe(false);
    expect(
      doc.paths['/uploads/{uploadId}'].patch.requestBody.content['application/offset+octet-stream']
        .schema,
    ).toEqual({ type: 'string', format: 'binary' });
    expect(doc.paths['/video'].post.requestBody.content['multipart/form-data'].encoding).toEqual({
      video: { contentType: 'video/mp4' },
      thumbnail: { contentType: 'image/jpeg, image/png' },
    });
    expect(
      doc.paths['/user/profileimage'].patch.requestBody.content['multipart/form-data'].encoding,
    ).toEqual({ profileImage: { contentType: 'image/jpeg, image/png' } });
  });

  it('documents ETag, If-None-Match and 304 on every GET, If-Match and 412 on the four PATCHes', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    type Operation = {
      operationId: string;
      parameters?: { name: string; in: string; required?: boolean }[];
      responses: Record<string, { headers?: Record<string, { required?: boolean }> }>;
    };
    const operations = Object.values(doc.paths as Record<string, Record<string, Operation>>);
    const gets = operations.flatMap((item) => (item.get ? [item.get] : []));
    expect(gets.length).toBeGreaterThan(15);
    for (const operation of gets) {
      const header = operation.parameters?.find((p) => p.name === 'If-None-Match');
      expect({ id: operation.operationId, header }).toEqual({
        id: operation.operationId,
        header: expect.objectContaining({ in: 'header', required: false }),
      });
      expect(Object.keys(operation.responses['200'].headers ?? {})).toEqual(
        expect.arrayContaining(['ETag', 'Cache-Control']),
      );
      expect(operation.responses['304'].headers?.ETag?.required).toBe(true);
      // A header is no input that can be invalid: it adds no 400 of its own.
      expect(operation.parameters?.some((p) => p.name === 'If-Match')).toBe(false);
    }
    const withIfMatch = operations
      .flatMap((item) => Object.values(item))
      .filter((operation) => operation.parameters?.some((p) => p.name === 'If-Match'))
      .map((operation) => operation.operationId)
      .sort();
    expect(withIfMatch).toEqual([
      'CommentsController_update_v1',
      'CommunityPostsController_update_v1',
      'PlaylistsController_update_v1',
      'VideosController_update_v1',
    ]);
    for (const path of ['/video/{videoId}', '/comment/{commentId}']) {
      const patch = doc.paths[path].patch;
      expect(patch.responses['412'].description).toContain('PRECONDITION_FAILED');
      expect(patch.responses['412'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorBodyResponse',
      });
    }
    // The item's new tag comes with the answer of the item writes only.
    expect(doc.paths['/comment/{commentId}'].patch.responses['200'].headers.ETag).toBeDefined();
    expect(doc.paths['/video/{videoId}'].patch.responses['200'].headers).toBeUndefined();
    expect(doc.components.schemas.ErrorCode.enum).toContain('PRECONDITION_FAILED');
  });

  it('closes every object a response can carry, nested and paginated ones included', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const schemas = doc.components.schemas;
    for (const name of [
      'VideoCardResponse',
      'VideoDetailResponse',
      'OwnerLiteResponse',
      'MediaUrlResponse',
      'CommentResponse',
      'MeResponse',
      'ErrorBodyResponse',
      'FieldErrorResponse',
      'VideosController_list_v1Success',
    ])
      expect({ name, closed: schemas[name].additionalProperties }).toEqual({ name, closed: false });
    expect(schemas.VideosController_list_v1Success.properties.data.additionalProperties).toBe(
      false,
    );
    // Request bodies stay as they were: closed by their own rule, not by this one.
    expect(schemas.LoginDto.additionalProperties).toBe(false);
  });

  it('documents Idempotency-Key on the creating operations, with its failures and the replay header', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    type Operation = {
      operationId: string;
      parameters?: { name: string; in: string; required?: boolean; schema?: object }[];
      responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
    };
    const operations = Object.values(doc.paths as Record<string, Record<string, Operation>>)
      .flatMap((item) => Object.entries(item))
      .map(([method, operation]) => ({ method, operation }));
    const withKey = operations.filter(({ operation }) =>
      (operation.parameters ?? []).some((parameter) => parameter.name === 'Idempotency-Key'),
    );
    expect(withKey.map(({ operation }) => operation.operationId).sort()).toEqual([
      'CommentsController_addReply_v1',
      'CommentsController_addToPost_v1',
      'CommentsController_addToVideo_v1',
      'CommunityPostsController_create_v1',
      'PlaylistsController_create_v1',
      'VideosController_upload_v1',
    ]);
    for (const { method, operation } of withKey) {
      expect(method).toBe('post');
      const header = operation.parameters?.find(({ name }) => name === 'Idempotency-Key');
      expect(header).toMatchObject({
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[!-~]{1,128}$' },
      });
      expect(operation.responses['400'].description).toContain('INVALID_IDEMPOTENCY_KEY');
      expect(operation.responses['409'].description).toContain('IDEMPOTENCY_KEY_IN_PROGRESS');
      expect(operation.responses['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
      expect(operation.responses['201'].headers).toEqual({
        'Idempotent-Replayed': expect.objectContaining({
          schema: { type: 'string', enum: ['true'] },
        }),
      });
    }
    // Nowhere else.
    for (const { operation } of operations.filter((entry) => !withKey.includes(entry))) {
      expect(operation.responses['422']).toBeUndefined();
      expect(JSON.stringify(operation.responses)).not.toContain('IDEMPOTENCY');
    }
  });

  it('documents the idempotent like and follow state operations with their exact data', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const schemas = doc.components.schemas;
    for (const path of [
      '/like/video/{videoId}',
      '/like/comment/{commentId}',
      '/like/communitypost/{postId}',
    ]) {
      for (const method of ['put', 'delete']) {
        const envelope = doc.paths[path][method].responses['200'].content['application/json'];
        const name = (envelope.schema.$ref as string).split('/').pop() as string;
        expect(schemas[name].properties.data).toEqual({
          $ref: '#/components/schemas/LikeStateResponse',
        });
        expect(doc.paths[path][method].responses['404']).toBeDefined();
      }
    }
    expect([...schemas.LikeStateResponse.required].sort()).toEqual(['liked', 'likesCount']);
    expect(schemas.LikeStateResponse.properties).toEqual({
      liked: { type: 'boolean' },
      likesCount: { type: 'integer', minimum: 0 },
    });
    for (const method of ['put', 'delete']) {
      const operation = doc.paths['/follower/{userId}'][method];
      expect(operation.responses['400'].description).toContain('You cannot follow yourself');
    }
    expect([...schemas.FollowStateResponse.required].sort()).toEqual([
      'followersCount',
      'following',
    ]);
    expect(schemas.FollowStateResponse.properties).toMatchObject({
      following: { type: 'boolean' },
      followersCount: { type: 'integer', minimum: 0 },
    });
  });

  it('names each success envelope after its operation', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    const upload = doc.paths['/video'].post;
    expect(upload.responses['201'].content['application/json'].schema).toEqual({
      $ref: `#/components/schemas/${upload.operationId}Success`,
    });
    expect(doc.components.schemas[`${upload.operationId}Success`].properties.data).toEqual({
      $ref: '#/components/schemas/VideoCardResponse',
    });
  });

  it('links each created or listed id to the operations that take it, by operationId', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/v1/docs-json')).body;
    type Operation = {
      operationId: string;
      parameters?: { name: string }[];
      responses: Record<
        string,
        { links?: Record<string, { operationId: string; parameters: object }> }
      >;
    };
    const operations = new Map<string, Operation>();
    for (const item of Object.values(doc.paths as Record<string, Record<string, Operation>>))
      for (const operation of Object.values(item)) operations.set(operation.operationId, operation);
    let count = 0;
    for (const operation of operations.values())
      for (const [status, response] of Object.entries(operation.responses))
        for (const [name, link] of Object.entries(response.links ?? {})) {
          count += 1;
          expect(status).toMatch(/^2/);
          expect(name).toBe(link.operationId);
          const target = operations.get(link.operationId);
          expect(target).toBeDefined();
          const accepted = (target?.parameters ?? []).map((parameter) => parameter.name);
          for (const [parameter, expression] of Object.entries(link.parameters)) {
            expect(accepted).toContain(parameter);
            expect(expression).toMatch(/^\$(response\.body#\/data|request\.(path|body))/);
          }
        }
    expect(count).toBeGreaterThan(100);
    const upload = doc.paths['/video'].post.responses['201'].links;
    expect(upload.VideosController_get_v1).toEqual({
      operationId: 'VideosController_get_v1',
      parameters: { videoId: '$response.body#/data/_id' },
    });
    expect(upload.CommentsController_listForVideo_v1.parameters).toEqual({
      videoId: '$response.body#/data/_id',
    });
    const createPlaylist = doc.paths['/playlist'].post.responses['201'].links;
    expect(Object.keys(createPlaylist)).toEqual(
      expect.arrayContaining([
        'PlaylistsController_get_v1',
        'PlaylistsController_update_v1',
        'PlaylistsController_remove_v1',
      ]),
    );
    expect(
      doc.paths['/auth/register'].post.responses['201'].links.UsersController_profile_v1,
    ).toEqual({
      operationId: 'UsersController_profile_v1',
      parameters: { username: '$request.body#/username' },
    });
  });
});
