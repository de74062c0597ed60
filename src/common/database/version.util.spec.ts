import { nextVersion } from 'src/common/database/version.util';

describe('nextVersion', () => {
  const version = new Date('2026-12-03T10:00:00.000Z');

  it('is now when now is later than the version', () => {
    const now = new Date('2026-12-03T10:00:05.000Z');
    expect(nextVersion(version, now)).toEqual(now);
  });

  it('is one millisecond after the version when now is not later (same millisecond, clock skew)', () => {
    expect(nextVersion(version, version).getTime()).toBe(version.getTime() + 1);
    expect(nextVersion(version, new Date(version.getTime() - 500)).getTime()).toBe(
      version.getTime() + 1,
    );
  });
});
