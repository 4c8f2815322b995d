import type { IncidentEntity } from '@app/incidents';
import {
  declareFailedErrors,
  formFailureText,
  headlineInputOf,
  leadChangedReply,
  notePostedReply,
  notInIncidentChannelReply,
  personRefOf,
  quoteMrkdwn,
  refusedReply,
  slackUserOfAuthorLabel,
  statusChangedReply,
  updatePostedReply,
} from './slack-replies';

describe('slash command replies', () => {
  it('announce changes in the channel, escaping what people typed', () => {
    const reply = statusChangedReply('U01ALICE', 42, 'investigating', 'identified', 'Bad deploy <!channel> & <https://evil|click>');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('<@U01ALICE> moved *INC-42* from Investigating to *Identified*');
    expect(reply.text).toContain('>Bad deploy &lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    expect(reply.text).not.toContain('<!channel>');
  });

  it('quote every line of a multi-line text', () => {
    expect(quoteMrkdwn('one\ntwo <b>')).toBe('>one\n>two &lt;b&gt;');
  });

  it('say whether an update reaches the status page', () => {
    expect(updatePostedReply('U1AA', 7, 'public', 'ok').text).toContain('shown on the status page');
    expect(updatePostedReply('U1AA', 7, 'internal', 'ok').text).toContain('internal incident: not on the status page');
    expect(notePostedReply('U1AA', 7, 'note').text).toContain('internal note');
  });

  it('mention a Slack commander and escape a named one', () => {
    expect(leadChangedReply('U01ALICE', 3, 'U02BOB').text).toContain('made <@U02BOB> the incident commander');
    expect(leadChangedReply('U01ALICE', 3, 'Dana <!here>').text).toContain('made Dana &lt;!here&gt; the incident commander');
  });

  it('answer privately when refused, outside an incident channel and when the form failed', () => {
    expect(refusedReply('cannot change status from resolved to monitoring <x>')).toEqual({
      response_type: 'ephemeral',
      text: ':no_entry: cannot change status from resolved to monitoring &lt;x&gt;',
    });
    const outside = notInIncidentChannelReply('/incident');
    expect(outside.response_type).toBe('ephemeral');
    expect(outside.text).toContain('`/incident status investigating|identified|monitoring|resolved [text]`');
    expect(formFailureText('expired_trigger_id')).toContain('Run the command again');
    expect(formFailureText('<weird>')).toContain('`&lt;weird&gt;`');
    expect(declareFailedErrors('try again')).toEqual({ response_action: 'errors', errors: { declare_title: 'try again' } });
  });
});

describe('people and authors', () => {
  it.each<[string | null, object | null]>([
    ['U02BOB', { slackUserId: 'U02BOB' }],
    ['Dana Scully', { name: 'Dana Scully' }],
    [null, null],
    ['', null],
  ])('personRefOf(%p)', (value, expected) => {
    expect(personRefOf(value)).toEqual(expected);
  });

  it.each<[string, string | null]>([
    ['slack:U01ALICE', 'U01ALICE'],
    ['token:1234', null],
    ['ballast:slo', null],
    ['slack:<!channel>', null],
  ])('slackUserOfAuthorLabel(%p)', (label, expected) => {
    expect(slackUserOfAuthorLabel(label)).toBe(expected);
  });
});

describe('headlineInputOf', () => {
  it('maps a stored incident to the headline input', () => {
    const incident = {
      number: 5,
      title: 'Checkout down',
      severity: 'SEV2',
      status: 'monitoring',
      visibility: 'public',
      commander: 'U02BOB',
      team: { name: 'Payments', slackChannelId: 'C1' },
      type: 'config',
      slackChannelId: 'C0INC5',
      summary: '5xx',
      source: 'slack',
    } as unknown as IncidentEntity;
    expect(headlineInputOf(incident)).toEqual({
      number: 5,
      title: 'Checkout down',
      severity: 'SEV2',
      status: 'monitoring',
      visibility: 'public',
      commander: { slackUserId: 'U02BOB' },
      team: 'Payments',
      type: 'Configuration',
      channelId: 'C0INC5',
      summary: '5xx',
      source: 'slack',
    });
  });
});
