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
