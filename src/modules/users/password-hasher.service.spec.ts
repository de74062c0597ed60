import { loadAppConfig } from 'src/config/app-config';
import { PasswordHasher } from 'src/modules/users/password-hasher.service';
import * as bcrypt from 'bcrypt';

jest.mock('bcrypt', () => {
  const actual = jest.requireActual<typeof import('bcrypt')>('bcrypt');
  return {
    ...actual,
    compare: jest.fn((data: string, encrypted: string) => actual.compare(data, encrypted)),
    hash: jest.fn((data: string, rounds: number) => actual.hash(data, rounds)),
  };
});

describe('PasswordHasher', () => {
  const sut = new PasswordHasher(loadAppConfig({ NODE_ENV: 'test', BCRYPT_ROUNDS: '4' }));
  const compare = bcrypt.compare as jest.Mock;

  beforeEach(() => compare.mockClear());

  it('hashes with the configured cost', async () => {
    expect(await sut.hash('salsa night 42')).toMatch(/^\$2b\$04\$/);
  });

  it('verifies the right password and refuses a wrong one, one comparison each', async () => {
    const hash = await sut.hash('salsa night 42');
    expect(await sut.verify('salsa night 42', hash)).toBe(true);
    expect(await sut.verify('salsa night 43', hash)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('still compares once, against the dummy hash, when there is no hash', async () => {
    expect(await sut.verify('anything 1', null)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).toMatch(/^\$2b\$04\$/);
  });

  it('refuses a password over 72 bytes even when bcrypt would accept its prefix', async () => {
    const password = `${'a'.repeat(71)}1`;
    const hash = await sut.hash(password);
    expect(await sut.verify(`${password}tail`, hash)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0][1]).not.toBe(hash);
  });
});
