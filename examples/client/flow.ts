/**
 * A typed client of the Dancely API (docs/api.md#typed-client): log in, list videos, like one.
 *
 * The types come from the OpenAPI document (`npm run client:types` writes `dancely-api.d.ts`);
 * openapi-fetch checks every path, parameter, body and response against them, so this file only
 * compiles (`npm run typecheck`) while the document describes these operations exactly.
 * test/docs/client-types.e2e-spec.ts runs it against a real app.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './dancely-api';

type Video = components['schemas']['VideoCardResponse'];

export interface FlowOptions {
  /** Where the service runs, e.g. `http://localhost:8000`; the API is under `/api/v1`. */
  baseUrl: string;
  /** Username or email, and password, of a verified account. */
  identifier: string;
  password: string;
}

export interface FlowResult {
  username: string;
  /** The newest published video, as the list showed it. */
  video: Pick<Video, '_id' | 'title' | 'likesCount' | 'isLiked'>;
  /** The like toggle's answer: the caller's like and the video's count after it. */
  liked: { isLiked: boolean; likesCount: number };
}

export async function runFlow(options: FlowOptions): Promise<FlowResult> {
  const client = createClient<paths>({ baseUrl: `${options.baseUrl}/api/v1` });

  // 1. Log in. Tokens travel only in cookies (docs/api.md#credentials); a client outside the
  //    browser keeps the access token and sends it as a Bearer token.
  const login = await client.POST('/auth/login', {
    body: { identifier: options.identifier, password: options.password },
  });
  if (login.error) throw new Error(`login: ${login.error.code} ${login.error.message}`);
  const accessToken = cookieValue(login.response.headers, 'accessToken');
  const bearer: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
      return request;
    },
  };
  client.use(bearer);

  // 2. The newest published videos, first page.
  const list = await client.GET('/video', {
    params: { query: { page: 1, limit: 10, sortBy: 'createdAt', sortOrder: 'desc' } },
  });
  if (list.error) throw new Error(`list: ${list.error.code} ${list.error.message}`);
  const newest: Video | undefined = list.data.data.docs[0];
  if (!newest) throw new Error('list: no published video to like');

  // 3. Like it (the toggle: a second call would unlike it).
  const like = await client.POST('/like/toggle-video-like/{videoId}', {
    params: { path: { videoId: newest._id } },
  });
  if (like.error) throw new Error(`like: ${like.error.code} ${like.error.message}`);

  return {
    username: login.data.data.username,
    video: {
      _id: newest._id,
      title: newest.title,
      likesCount: newest.likesCount,
      isLiked: newest.isLiked,
    },
    liked: { isLiked: like.data.data.isLiked, likesCount: like.data.data.likesCount },
  };
}

/** One cookie's value from a response's `Set-Cookie` fields. */
function cookieValue(headers: Headers, name: string): string {
  for (const cookie of headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const separator = pair.indexOf('=');
    if (pair.slice(0, separator) === name) return pair.slice(separator + 1);
  }
  throw new Error(`no ${name} cookie in the answer`);
}
