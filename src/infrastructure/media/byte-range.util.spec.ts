import { parseSingleByteRange as sut } from 'src/infrastructure/media/byte-range.util';

describe('parseSingleByteRange', () => {
  const size = 1000;

  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=999-999', { start: 999, end: 999 }],
    [' bytes=5-9 ', { start: 5, end: 9 }],
  ])('serves %j as %j', (header, expected) => {
    expect(sut(header, size)).toEqual(expected);
  });

  it.each([
    [undefined],
    ['bytes=1000-'],
    ['bytes=1000-1100'],
    ['bytes=50-10'],
    ['bytes=-0'],
    ['bytes=-'],
    ['bytes=0-1,5-9'],
    ['items=0-9'],
    ['bytes=a-b'],
    ['bytes=99999999999999999999-'],
  ])('falls back to the whole file for %j', (header) => {
    expect(sut(header, size)).toBeNull();
  });

  it('never ranges over an empty file', () => {
    expect(sut('bytes=-10', 0)).toBeNull();
    expect(sut('bytes=0-', 0)).toBeNull();
  });
});
