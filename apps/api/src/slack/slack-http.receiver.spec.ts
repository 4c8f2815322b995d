import type { Response } from 'express';
import { loadConfig } from '@app/config';
import { FixedClock, UnauthorizedError } from '@app/platform';
import { SlackGateway } from './slack-gateway';
import { RawBodyRequest, SlackEndpointUnavailableError, SlackHttpReceiver } from './slack-http.receiver';

const request = (headers: Record<string, string> = {}): RawBodyRequest => ({ headers, rawBody: Buffer.from('command=%2Fincident') }) as unknown as RawBodyRequest;
const response = {} as Response;
const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));

function receiverFor(env: Record<string, string>): SlackHttpReceiver {
  const config = loadConfig(env);
  return new SlackHttpReceiver(config, clock, new SlackGateway(config));
}

describe('SlackHttpReceiver', () => {
  it('refuses with slack_disabled when Slack is not configured', async () => {
    const receiver = receiverFor({});
    await expect(receiver.handle(request(), response)).rejects.toMatchObject({ code: 'slack_disabled', kind: 'not_found' });
  });

  it('refuses with slack_socket_mode when Slack runs over Socket Mode', async () => {
    const receiver = receiverFor({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 'secret-123456' });
    receiver.init({} as never);
    const failure = receiver.handle(request(), response);
    await expect(failure).rejects.toBeInstanceOf(SlackEndpointUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: 'slack_socket_mode' });
  });

  it('refuses an unsigned request before reading it', async () => {
    const receiver = receiverFor({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456' });
    const processEvent = jest.fn();
    receiver.init({ processEvent } as never);
    await expect(receiver.handle(request({ 'content-type': 'application/x-www-form-urlencoded' }), response)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(processEvent).not.toHaveBeenCalled();
  });
});
