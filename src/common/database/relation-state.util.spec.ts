import {
  applyRelation,
  countBeside,
  type RelationSteps,
} from 'src/common/database/relation-state.util';

function steps(
  overrides: Partial<Record<keyof RelationSteps, jest.Mock>> = {},
): Record<keyof RelationSteps, jest.Mock> {
  return {
    remove: overrides.remove ?? jest.fn().mockResolvedValue(false),
    create: overrides.create ?? jest.fn().mockResolvedValue(true),
    targetStillExists: overrides.targetStillExists ?? jest.fn().mockResolvedValue(true),
  };
}

describe('applyRelation', () => {
  const sut = applyRelation;

  describe('toggle', () => {
    it('removes an existing relation and never creates or re-checks', async () => {
      const s = steps({ remove: jest.fn().mockResolvedValue(true) });
      await expect(sut(s, 'toggle')).resolves.toBe('absent');
      expect(s.create).not.toHaveBeenCalled();
      expect(s.targetStillExists).not.toHaveBeenCalled();
    });

    it('creates when there was none, then re-checks the target', async () => {
      const s = steps();
      await expect(sut(s, 'toggle')).resolves.toBe('present');
      expect(s.remove).toHaveBeenCalledTimes(1);
      expect(s.create).toHaveBeenCalledTimes(1);
      expect(s.targetStillExists).toHaveBeenCalledTimes(1);
      expect(s.create.mock.invocationCallOrder[0]).toBeLessThan(
        s.targetStillExists.mock.invocationCallOrder[0],
      );
    });

    it('removes the fresh relation again when the target vanished meanwhile', async () => {
      const s = steps({
        remove: jest.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true),
        targetStillExists: jest.fn().mockResolvedValue(false),
      });
      await expect(sut(s, 'toggle')).resolves.toBe('target-gone');
      expect(s.remove).toHaveBeenCalledTimes(2);
    });
  });

  describe('set', () => {
    it('creates without removing first, then re-checks the target', async () => {
      const s = steps();
      await expect(sut(s, 'set')).resolves.toBe('present');
      expect(s.remove).not.toHaveBeenCalled();
      expect(s.create).toHaveBeenCalledTimes(1);
      expect(s.targetStillExists).toHaveBeenCalledTimes(1);
    });

    it('answers present when the relation already existed (the create changed nothing)', async () => {
      const s = steps({ create: jest.fn().mockResolvedValue(false) });
      await expect(sut(s, 'set')).resolves.toBe('present');
      expect(s.remove).not.toHaveBeenCalled();
    });

    it('removes the relation again when the target vanished meanwhile', async () => {
      const s = steps({ targetStillExists: jest.fn().mockResolvedValue(false) });
      await expect(sut(s, 'set')).resolves.toBe('target-gone');
      expect(s.remove).toHaveBeenCalledTimes(1);
    });
  });

  describe('unset', () => {
    it.each([true, false])(
      'removes, whether or not a relation existed (removed: %s), and never creates',
      async (existed) => {
        const s = steps({ remove: jest.fn().mockResolvedValue(existed) });
        await expect(sut(s, 'unset')).resolves.toBe('absent');
        expect(s.remove).toHaveBeenCalledTimes(1);
        expect(s.create).not.toHaveBeenCalled();
        expect(s.targetStillExists).not.toHaveBeenCalled();
      },
    );
  });

  it('lets a failing create propagate (only duplicates are absorbed, by the create step itself)', async () => {
    for (const intent of ['toggle', 'set'] as const) {
      const s = steps({ create: jest.fn().mockRejectedValue(new Error('db down')) });
      await expect(sut(s, intent)).rejects.toThrow('db down');
      expect(s.targetStillExists).not.toHaveBeenCalled();
    }
  });
});

describe('countBeside', () => {
  it.each([
    [true, 5, 5],
    [false, 5, 5],
    // A counter caught between a concurrent remove and its create's increment.
    [true, 0, 1],
    [false, -1, 0],
    [true, -1, 1],
    [false, 0, 0],
  ])('relation present: %s, stored %i → %i', (present, stored, expected) => {
    expect(countBeside(present, stored)).toBe(expected);
  });
});
