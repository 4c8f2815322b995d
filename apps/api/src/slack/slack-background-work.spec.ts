import { SlackBackgroundWork } from './slack-background-work';

describe('SlackBackgroundWork', () => {
  it('runs work after the caller returns, tracks it until done, including work started by work', async () => {
    const work = new SlackBackgroundWork();
    const done: string[] = [];
    work.run('outer', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done.push('outer');
      work.run('inner', async () => {
        await new Promise((resolve) => setImmediate(resolve));
        done.push('inner');
      });
    });
    expect(work.pending).toBe(1);
    await work.idle();
    expect(done).toEqual(['outer', 'inner']);
    expect(work.pending).toBe(0);
  });

  it('starts deferred work on later turns of the event loop, a few per turn, in order, and tracks it from the start', async () => {
    const work = new SlackBackgroundWork();
    const started: number[] = [];
    for (let i = 0; i < 10; i += 1) work.defer(`task ${i}`, async () => void started.push(i));
    expect(work.pending).toBe(10);
    await Promise.resolve();
    expect(started).toEqual([]);
    const turns: number[][] = [];
    while (started.length < 10) {
      await new Promise((resolve) => setImmediate(resolve));
      turns.push([...started]);
    }
    expect(turns[0].length).toBeGreaterThan(0);
    expect(turns[0].length).toBeLessThan(10);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await work.idle();
    expect(work.pending).toBe(0);
  });

  it('starts deferred work that waited too long in bigger batches, still bounded per turn', async () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(1_000);
    try {
      const work = new SlackBackgroundWork();
      const started: number[] = [];
      for (let i = 0; i < 40; i += 1) work.defer(`task ${i}`, async () => void started.push(i));
      await Promise.resolve();
      now.mockReturnValue(1_000 + 60_000);
      // the turn scheduled by the first defer runs before this immediate
      await new Promise((resolve) => setImmediate(resolve));
      expect(started).toEqual(Array.from({ length: 16 }, (_unused, i) => i));
      await work.idle();
      expect(started).toHaveLength(40);
    } finally {
      now.mockRestore();
    }
  });

  it('never lets a failure escape to the caller', async () => {
    const work = new SlackBackgroundWork();
    (work as unknown as { logger: { error: () => void } }).logger = { error: jest.fn() };
    work.run('fails', async () => {
      throw new Error('Slack said no');
    });
    await expect(work.idle()).resolves.toBeUndefined();
    expect(work.pending).toBe(0);
  });
});
