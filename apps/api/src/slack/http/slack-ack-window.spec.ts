import { withinAckWindow } from './slack-ack-window';

describe('withinAckWindow', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives the result of work that finishes within the budget', async () => {
    await expect(withinAckWindow(Promise.resolve(42), 100)).resolves.toEqual({ state: 'fulfilled', value: 42 });
  });

  it('gives the error of work that fails within the budget', async () => {
    const error = new Error('boom');
    await expect(withinAckWindow(Promise.reject(error), 100)).resolves.toEqual({ state: 'rejected', error });
  });

  it('does not wait at all when the deadline has passed (the request waited long before it was read)', async () => {
    const settled = withinAckWindow(new Promise(() => undefined), -50);
    jest.advanceTimersByTime(0);
    await expect(settled).resolves.toMatchObject({ state: 'pending' });
  });

  it('hands back slower work still running, to be finished after the ack', async () => {
    let finish: (value: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const settled = withinAckWindow(work, 2500);
    jest.advanceTimersByTime(2500);
    const result = await settled;
    expect(result.state).toBe('pending');
    finish('late');
    await expect((result as { promise: Promise<string> }).promise).resolves.toBe('late');
  });
});
