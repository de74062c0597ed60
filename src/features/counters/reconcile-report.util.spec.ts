import {
  addOutcome,
  chunks,
  describeCorrections,
  describeRun,
  emptyReport,
  totalCorrected,
} from 'src/features/counters/reconcile-report.util';

describe('reconcile report', () => {
  it('lists every counter at 0 before a run', () => {
    const sut = emptyReport();
    expect(Object.keys(sut.corrected)).toHaveLength(14);
    expect(totalCorrected(sut)).toBe(0);
    expect(describeCorrections(sut)).toBe('');
  });

  it('adds outcomes under the counter names, conflicts together', () => {
    const sut = emptyReport();
    const names = {
      followers: 'users.channel.followers',
      likes: 'users.channel.likes',
    } as const;
    addOutcome(sut, names, {
      followers: { corrected: 2, conflicts: 1 },
      likes: { corrected: 0, conflicts: 0 },
    });
    addOutcome(sut, { likesCount: 'videos.likesCount' } as const, {
      likesCount: { corrected: 3, conflicts: 2 },
    });
    sut.checked = { videos: 10, comments: 4, posts: 1, users: 5 };
    sut.durationMs = 12;
    expect(sut.corrected['users.channel.followers']).toBe(2);
    expect(sut.conflicts).toBe(3);
    expect(totalCorrected(sut)).toBe(5);
    // In the fixed order of the counters, not the order they were found in.
    expect(describeCorrections(sut)).toBe('videos.likesCount=3, users.channel.followers=2');
    expect(describeRun(sut)).toBe(
      'Counters reconciled in 12 ms: checked 10 videos, 4 comments, 1 posts, 5 users; corrected 5, conflicts 3',
    );
  });

  it('splits ids into chunks of at most the batch size, without duplicates', () => {
    expect(chunks(['a', 'b', 'a', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(chunks([], 500)).toEqual([]);
  });
});
