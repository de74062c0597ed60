import { AppException } from 'src/common/errors/app.exception';
import { defineError, errorDefinition } from 'src/common/errors/define-error.util';
import { ErrorCode } from 'src/common/errors/error-code.constant';

describe('defineError', () => {
  it('is the definition the document reads and the factory services throw, with the same text', () => {
    const notFound = defineError(ErrorCode.NOT_FOUND, 'Video not found');
    expect({ ...notFound }).toEqual({ code: 'NOT_FOUND', status: 404, message: 'Video not found' });
    const thrown = notFound();
    expect(thrown).toBeInstanceOf(AppException);
    expect(thrown).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'Video not found' });
    expect(notFound()).not.toBe(thrown);
  });

  it("falls back to the code's default message", () => {
    expect(defineError(ErrorCode.INVALID_CREDENTIALS)().message).toBe('Invalid credentials');
    expect(errorDefinition(ErrorCode.RATE_LIMITED).message).toBe(
      'Too many requests, please try again later.',
    );
  });

  it('renders a template with the arguments given, and documents it with the defaults', () => {
    const full = defineError(ErrorCode.BAD_REQUEST, {
      render: (max: number) => `Playlist cannot contain more than ${max} videos`,
      documentedWith: [500],
    });
    expect(full.message).toBe('Playlist cannot contain more than 500 videos');
    expect(full(3).message).toBe('Playlist cannot contain more than 3 videos');
  });

  it('builds options from the arguments when given a function', () => {
    const cooldown = defineError(ErrorCode.RATE_LIMITED, 'Wait', (seconds: number) => ({
      headers: { 'Retry-After': String(seconds) },
    }));
    expect(cooldown(42).options.headers).toEqual({ 'Retry-After': '42' });
    expect(cooldown.message).toBe('Wait');
  });
});
