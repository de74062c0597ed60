import {
  applyFieldByField,
  type CounterFix,
  type FixGroup,
  fixesFor,
  GROUPS_PER_WRITE,
  groupFixes,
  IDS_PER_WRITE,
  packWrites,
  readStoredCounters,
  selectionCondition,
  spannedIds,
  storedCount,
} from 'src/common/database/stored-counters.util';

describe('stored counters', () => {
  it('reads a missing, null or non-numeric value as missing', () => {
    expect([7, 0, -3, undefined, null, '7', Number.NaN].map(storedCount)).toEqual([
      7,
      0,
      -3,
      null,
      null,
      null,
      null,
    ]);
    expect(readStoredCounters({ likesCount: 2 }, ['likesCount', 'commentsCount'])).toEqual({
      likesCount: 2,
      commentsCount: null,
    });
    expect(readStoredCounters(undefined, ['followers'])).toEqual({ followers: null });
  });

  it('selects by a list of ids or by an inclusive range', () => {
    const toId = (id: string): string => `oid(${id})`;
    expect(selectionCondition({ ids: ['a', 'b'] }, toId)).toEqual({ $in: ['oid(a)', 'oid(b)'] });
    expect(selectionCondition({ from: 'a', to: 'z' }, toId)).toEqual({
      $gte: 'oid(a)',
      $lte: 'oid(z)',
    });
  });

  it("puts a group's ids behind the range they span", () => {
    const ids = [
      '6b10000000000000000000cc',
      '6b100000000000000000000a',
      '6b10000000000000000000b1',
    ];
    expect(spannedIds(ids, (id) => id)).toEqual({
      $and: [
        { _id: { $gte: '6b100000000000000000000a', $lte: '6b10000000000000000000cc' } },
        {
          _id: {
            $in: [
              '6b100000000000000000000a',
              '6b10000000000000000000b1',
              '6b10000000000000000000cc',
            ],
          },
        },
      ],
    });
  });

  it('fixes what differs from the truth, a missing value only when the truth is not 0', () => {
    const sut = fixesFor(
      { id: 'v1', counters: { a: 3, b: null, c: null, d: 0 } },
      { a: 2, b: 0, c: 4, d: 0 },
    );
    expect(sut).toEqual([
      { id: 'v1', field: 'a', seen: 3, truth: 2 },
      { id: 'v1', field: 'c', seen: null, truth: 4 },
    ]);
  });

  it('groups fixes by the value read and the value to write', () => {
    const sut = groupFixes([
      { id: '1', field: 'a', seen: null, truth: 2 },
      { id: '2', field: 'a', seen: null, truth: 3 },
      { id: '3', field: 'a', seen: null, truth: 2 },
      { id: '4', field: 'a', seen: 0, truth: 2 },
    ]);
    expect(sut).toEqual([
      { seen: null, truth: 2, ids: ['1', '3'] },
      { seen: null, truth: 3, ids: ['2'] },
      { seen: 0, truth: 2, ids: ['4'] },
    ]);
  });

  it('writes field by field, only fields with fixes, and counts what did not match as conflicts', async () => {
    const fixes: CounterFix<'a' | 'b' | 'c'>[] = [
      { id: '1', field: 'a', seen: 1, truth: 2 },
      { id: '2', field: 'a', seen: 1, truth: 2 },
      { id: '1', field: 'c', seen: null, truth: 5 },
    ];
    // One document of field a changed since it was read.
    const write = jest.fn((field: string, groups: FixGroup[]) =>
      Promise.resolve(groups.reduce((n, group) => n + group.ids.length, field === 'a' ? -1 : 0)),
    );
    const sut = await applyFieldByField(['a', 'b', 'c'] as const, fixes, write);
    expect(sut).toEqual({
      a: { corrected: 1, conflicts: 1 },
      b: { corrected: 0, conflicts: 0 },
      c: { corrected: 1, conflicts: 0 },
    });
    expect(write.mock.calls).toEqual([
      ['a', [{ seen: 1, truth: 2, ids: ['1', '2'] }]],
      ['c', [{ seen: null, truth: 5, ids: ['1'] }]],
    ]);
  });

  it('packs at most GROUPS_PER_WRITE groups and IDS_PER_WRITE ids into one write', () => {
    const single = (n: number) => ({ seen: null, truth: n, ids: [String(n).padStart(3, '0')] });
    const many = Array.from({ length: GROUPS_PER_WRITE * 2 + 1 }, (_, n) => single(n));
    expect(packWrites(many).map((write) => write.length)).toEqual([
      GROUPS_PER_WRITE,
      GROUPS_PER_WRITE,
      1,
    ]);
    const ids = Array.from({ length: IDS_PER_WRITE + 10 }, (_, n) => String(n).padStart(4, '0'));
    const big = { seen: 3, truth: 1, ids: [...ids].reverse() };
    const writes = packWrites([single(7), big]);
    // The big group is split into runs of consecutive ids; no write holds more than IDS_PER_WRITE.
    expect(writes.map((write) => write.map((group) => group.ids.length))).toEqual([
      [1],
      [IDS_PER_WRITE],
      [10],
    ]);
    expect(writes[1][0].ids).toEqual(ids.slice(0, IDS_PER_WRITE));
  });
});
