import { createHmac } from 'node:crypto';
import { loadConfig } from '@app/config';
import { FixedClock, UnauthorizedError } from '@app/platform';
import { SlackBackgroundWork } from '../slack-background-work';
import { SlackGateway } from '../slack-gateway';
import { SlackEndpointUnavailableError, SlackHttpAnswer, SlackHttpReceiver, SlackHttpRequest } from './slack-http.receiver';

const SECRET = 'secret-123456';
const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));
const FORM = 'application/x-www-form-urlencoded';

function signed(body: string, contentType = FORM): SlackHttpRequest {
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { rawBody: Buffer.from(body), headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature } };
}

function receiverFor(env: Record<string, string>): { receiver: SlackHttpReceiver; work: SlackBackgroundWork } {
  const config = loadConfig(env);
  const work = new SlackBackgroundWork();
  return { receiver: new SlackHttpReceiver(config, clock, new SlackGateway(config), work), work };
}

const httpMode = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET };
const unsigned: SlackHttpRequest = { rawBody: Buffer.from('command=%2Fincident'), headers: { 'content-type': FORM } };

describe('SlackHttpReceiver', () => {
  it('refuses with slack_disabled when Slack is not configured', async () => {
    const { receiver } = receiverFor({});
    expect(receiver.acceptsRequests).toBe(false);
    await expect(receiver.receive(unsigned, jest.fn())).rejects.toMatchObject({ code: 'slack_disabled', kind: 'not_found' });
  });

  it('refuses with slack_socket_mode when Slack runs over Socket Mode', async () => {
    const { receiver } = receiverFor({ ...httpMode, SLACK_APP_TOKEN: 'xapp-1' });
    receiver.init({} as never);
    expect(receiver.acceptsRequests).toBe(false);
    const failure = receiver.receive(unsigned, jest.fn());
    await expect(failure).rejects.toBeInstanceOf(SlackEndpointUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: 'slack_socket_mode' });
  });

  it('refuses an unsigned or wrongly signed request before reading it, answering nothing', async () => {
    const { receiver } = receiverFor(httpMode);
    const processEvent = jest.fn();
    receiver.init({ processEvent } as never);
    const send = jest.fn();
    await expect(receiver.receive(unsigned, send)).rejects.toBeInstanceOf(UnauthorizedError);
    const tampered = signed('command=%2Fincident&text=');
    await expect(receiver.receive({ ...tampered, rawBody: Buffer.from('command=%2Fincident&text=x') }, send)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(processEvent).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  it('acknowledges `/incident [declare <title>]` (open the form) before Bolt sees it, and dispatches it on a later turn', async () => {
    const { receiver, work } = receiverFor(httpMode);
    const order: string[] = [];
    receiver.init({ processEvent: jest.fn(async () => void order.push('dispatched')) } as never);
    await receiver.receive(signed('command=%2Fincident&text=declare+Checkout+down&trigger_id=1.2.abc&user_id=U1'), (answer) =>
      order.push(`sent ${answer.status} ${answer.body ?? ''}`.trim()),
    );
    expect(order).toEqual(['sent 200']);
    await work.idle();
    expect(order).toEqual(['sent 200', 'dispatched']);
  });

  it('lets the listener answer other commands and interactions with its ack, exactly once', async () => {
    const { receiver } = receiverFor(httpMode);
    const answers: SlackHttpAnswer[] = [];
    const processEvent = jest.fn(async ({ ack }: { ack: (body?: unknown) => Promise<void> }) => {
      await ack({ response_type: 'ephemeral', text: 'help' });
      await ack('twice');
    });
    receiver.init({ processEvent } as never);
    await receiver.receive(signed('command=%2Fincident&text=help&trigger_id=1.2.abc'), (answer) => answers.push(answer));
    expect(processEvent).toHaveBeenCalledTimes(1);
    expect(answers).toEqual([
      { status: 200, body: JSON.stringify({ response_type: 'ephemeral', text: 'help' }), contentType: 'application/json; charset=utf-8' },
    ]);
  });

  it('answers an event nobody listens for with an empty 200, and a failing listener with a 500', async () => {
    const { receiver } = receiverFor(httpMode);
    const answers: SlackHttpAnswer[] = [];
    const processEvent = jest.fn().mockResolvedValueOnce(undefined).mockRejectedValueOnce(new Error('listener bug'));
    receiver.init({ processEvent } as never);
    (receiver as unknown as { logger: { error: () => void } }).logger = { error: jest.fn() };
    const event = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention' } });
    await receiver.receive(signed(event, 'application/json'), (answer) => answers.push(answer));
    await receiver.receive(signed(event, 'application/json'), (answer) => answers.push(answer));
    expect(answers.map((answer) => answer.status)).toEqual([200, 500]);
    expect(answers[0].body).toBeUndefined();
  });
});
