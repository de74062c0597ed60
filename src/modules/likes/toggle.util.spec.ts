import { type ToggleSteps, toggleRelation } from 'src/modules/likes/toggle.util';

function steps(
  overrides: Partial<Record<keyof ToggleSteps, jest.Mock>> = {},
): Record<keyof ToggleSteps, jest.Mock> {
  return {
    remove: overrides.remove ?? jest.fn().mockResolvedValue(false),
    create: overrides.create ?? jest.fn().mockResolvedValue(undefined),
    targetStillExists: overrides.targetStillExists ?? jest.fn().mockResolvedValue(true),
  };
}

describe('toggleRelation', () => {
  const sut = toggleRelation;

  it('removes an existing relation and never creates or re-checks', async () => {
    const s = steps({ remove: jest.fn().mockResolvedValue(true) });
    await expect(sut(s)).resolves.toBe('removed');
    expect(s.create).not.toHaveBeenCalled();
    expect(s.targetStillExists).not.toHaveBeenCalled();
  });

  it('creates when there was none, then re-checks the target', async () => {
    const s = steps();
    await expect(sut(s)).resolves.toBe('created');
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
    await expect(sut(s)).resolves.toBe('target-gone');
    expect(s.remove).toHaveBeenCalledTimes(2);
  });

  it('lets a failing create propagate (only duplicates are absorbed, by the create step itself)', async () => {
    const s = steps({ create: jest.fn().mockRejectedValue(new Error('db down')) });
    await expect(sut(s)).rejects.toThrow('db down');
    expect(s.targetStillExists).not.toHaveBeenCalled();
  });
});
