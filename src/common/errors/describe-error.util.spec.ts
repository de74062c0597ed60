import { runInNewContext } from 'node:vm';
import { describeError, errorTrace } from 'src/common/errors/describe-error.util';

describe('describeError', () => {
  it("gives an error's message, and with withName its name first", () => {
    const error = new TypeError('bad input');
    expect(describeError(error)).toBe('bad input');
    expect(describeError(error, { withName: true })).toBe('TypeError: bad input');
  });

  it('reads an error of another realm, which is no instanceof Error here', () => {
    const foreign: unknown = runInNewContext('new RangeError("out of range")');
    expect(foreign instanceof Error).toBe(false);
    expect(describeError(foreign, { withName: true })).toBe('RangeError: out of range');
  });

  it('gives any other thrown value as text', () => {
    expect(describeError('plain text')).toBe('plain text');
    expect(describeError(42, { withName: true })).toBe('42');
    expect(describeError(null)).toBe('null');
  });
});

describe('errorTrace', () => {
  it("gives an error's stack, and anything without one as text", () => {
    const error = new Error('boom');
    expect(errorTrace(error)).toBe(error.stack);
    expect(errorTrace({ message: 'no stack' })).toBe('[object Object]');
    expect(errorTrace('boom')).toBe('boom');
  });
});
