import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { AppException } from 'src/common/errors/app.exception';
import { ObjectIdParamsInterceptor } from 'src/common/interceptors/object-id-params.interceptor';

function httpContext(params: Record<string, string>): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ params }) }),
  } as unknown as ExecutionContext;
}

describe('ObjectIdParamsInterceptor', () => {
  const sut = new ObjectIdParamsInterceptor();
  const next: CallHandler = { handle: jest.fn(() => of('handled')) };

  beforeEach(() => jest.clearAllMocks());

  it('hands every `…Id` parameter on in lower case and leaves the others as they are', async () => {
    const params = {
      playlistId: 'AAAAAAAAAAAAAAAAAAAAAAAA',
      videoId: '0123456789ABCDEFabcdef01',
      username: 'Ada_Lovelace',
    };
    expect(await lastValueFrom(sut.intercept(httpContext(params), next))).toBe('handled');
    expect(params).toEqual({
      playlistId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      videoId: '0123456789abcdefabcdef01',
      username: 'Ada_Lovelace',
    });
  });

  it('answers Invalid ID naming every bad id before the handler runs, changing nothing', () => {
    const params = {
      playlistId: '123',
      videoId: 'ZZZZZZZZZZZZZZZZZZZZZZZZ',
      postId: 'AAAAAAAAAAAAAAAAAAAAAAAA',
    };
    let error: unknown;
    try {
      sut.intercept(httpContext(params), next);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_ID',
      message: 'Invalid ID',
      options: {
        errors: [
          { field: 'playlistId', location: 'params', message: 'Invalid ID' },
          { field: 'videoId', location: 'params', message: 'Invalid ID' },
        ],
      },
    });
    expect(params.postId).toBe('AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(next.handle).not.toHaveBeenCalled();
  });
});
