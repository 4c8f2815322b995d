import type { types } from '@slack/bolt';
import { BLOCK_KIT_LIMITS, HeaderBlock, SectionBlock, SlackBlock, TextObject } from './block-kit';
import {
  buildIncidentHeadline,
  buildReminderMessage,
  describeSlackFailure,
  HEADLINE_BLOCK_IDS,
  IncidentHeadlineInput,
  incidentHelpText,
  personMrkdwn,
} from './incident-messages';

const base: IncidentHeadlineInput = {
  number: 42,
  title: 'Checkout errors',
  severity: 'SEV2',
  status: 'investigating',
  visibility: 'public',
  commander: { slackUserId: 'U01ALICE', name: 'alice' },
  team: 'Payments',
  type: 'Deploy',
  channelId: 'C0INC42',
  summary: '5xx on /pay',
  source: 'slack',
  incidentUrl: 'https://ballast.example/dashboard/incidents/42',
};

/** Every mrkdwn text of a message (plain_text is shown literally by Slack, so it cannot inject). */
function allTexts(blocks: SlackBlock[]): string[] {
  const objects: TextObject[] = [];
  for (const block of blocks) {
    if ('text' in block && block.text) objects.push(block.text);
    if (block.type === 'section' && block.fields) objects.push(...block.fields);
    if (block.type === 'context') objects.push(...block.elements);
  }
  return objects.filter((object) => object.type === 'mrkdwn').map((object) => object.text);
}

const byId = <T extends SlackBlock>(blocks: SlackBlock[], id: string): T => blocks.find((block) => block.block_id === id) as T;

describe('buildIncidentHeadline', () => {
  it('renders reference, severity, status, commander, team, type, channel and visibility', () => {
    const message = buildIncidentHeadline(base);
    expect(message.text).toBe('INC-42 [SEV2] Checkout errors: Investigating');
    expect(byId<HeaderBlock>(message.blocks, HEADLINE_BLOCK_IDS.header).text).toEqual({
      type: 'plain_text',
      text: ':large_orange_circle: INC-42: Checkout errors',
      emoji: true,
    });
    const fields = byId<SectionBlock>(message.blocks, HEADLINE_BLOCK_IDS.fields).fields!.map((f) => f.text);
    expect(fields).toEqual([
      '*Severity*\n:large_orange_circle: SEV2',
      '*Status*\n:mag: Investigating',
      '*Commander*\n<@U01ALICE>',
      '*Team*\nPayments',
      '*Type*\nDeploy',
      '*Channel*\n<#C0INC42>',
      '*Visibility*\nPublic (status page)',
    ]);
    expect(byId<SectionBlock>(message.blocks, HEADLINE_BLOCK_IDS.summary).text).toEqual({ type: 'mrkdwn', text: '5xx on /pay', verbatim: true });
    expect(allTexts(message.blocks)).toContain('INC-42 · declared via Slack · <https://ballast.example/dashboard/incidents/42|Open in Ballast>');
  });

  it('says what is missing instead of leaving blanks', () => {
    const message = buildIncidentHeadline({
      ...base,
      commander: null,
      team: null,
      type: null,
      channelId: null,
      summary: null,
      incidentUrl: null,
      source: undefined,
    });
    const fields = byId<SectionBlock>(message.blocks, HEADLINE_BLOCK_IDS.fields).fields!.map((f) => f.text);
    expect(fields).toContain('*Commander*\n_Unassigned_');
    expect(fields).toContain('*Team*\n_None_');
    expect(fields).toContain('*Type*\n_Not set_');
    expect(fields).toContain('*Channel*\n_Not created yet_');
    expect(byId(message.blocks, HEADLINE_BLOCK_IDS.summary)).toBeUndefined();
    expect(allTexts(message.blocks)).toContain('INC-42');
  });

  it('escapes user text everywhere so no mention or link can be injected', () => {
    const hostile = '<!channel> <@U999> <http://evil.example|click> & co';
    const message = buildIncidentHeadline({
      ...base,
      title: hostile,
      summary: hostile,
      team: hostile,
      type: hostile,
      commander: { name: '<!here>' },
      incidentUrl: 'https://x.example/|<!channel>',
    });
    expect(message.text).not.toMatch(/<(?!@U01ALICE>)/);
    for (const text of [message.text, ...allTexts(message.blocks)]) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<!here>');
      expect(text).not.toContain('<@U999>');
      expect(text).not.toContain('<http://evil');
    }
    expect(message.text).toContain('&lt;!channel&gt;');
    // the header is plain_text, which Slack never parses: it shows the title as typed
    expect(byId<HeaderBlock>(message.blocks, HEADLINE_BLOCK_IDS.header).text.type).toBe('plain_text');
  });

  it('marks every mrkdwn text verbatim so Slack does not auto-parse it', () => {
    const message = buildIncidentHeadline(base);
    for (const block of message.blocks) {
      const objects =
        block.type === 'section' ? [...(block.fields ?? []), ...(block.text ? [block.text] : [])] : block.type === 'context' ? block.elements : [];
      for (const object of objects) expect(object).toMatchObject({ type: 'mrkdwn', verbatim: true });
    }
  });

  it('keeps within Slack limits for very long input', () => {
    const message = buildIncidentHeadline({ ...base, number: 123456, title: 'x'.repeat(500), summary: '<'.repeat(5000), team: 't'.repeat(1000) });
    const header = byId<HeaderBlock>(message.blocks, HEADLINE_BLOCK_IDS.header);
    expect(header.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
    const summary = byId<SectionBlock>(message.blocks, HEADLINE_BLOCK_IDS.summary);
    expect(summary.text!.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
    for (const f of byId<SectionBlock>(message.blocks, HEADLINE_BLOCK_IDS.fields).fields!) {
      expect(f.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionFieldText);
    }
  });

  it('is deterministic, so chat.update with unchanged data is a no-op', () => {
    expect(buildIncidentHeadline(base)).toEqual(buildIncidentHeadline({ ...base }));
  });

  it('uses only block types Slack knows (and, for tsc, is assignable to @slack/types KnownBlock[])', () => {
    const blocks: types.KnownBlock[] = buildIncidentHeadline(base).blocks;
    expect(blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.messageBlocks);
  });
});

describe('personMrkdwn', () => {
  it.each([
    [{ slackUserId: 'U01ALICE', name: 'alice' }, '<@U01ALICE>'],
    [{ name: 'Bob <b>' }, 'Bob &lt;b&gt;'],
    [{ slackUserId: 'not-an-id', name: 'carol' }, 'carol'],
    [{}, null],
    [null, null],
  ])('%j -> %p', (person, expected) => {
    expect(personMrkdwn(person)).toBe(expected);
  });
});

describe('incidentHelpText', () => {
  it('lists every subcommand with the configured command name', () => {
    const help = incidentHelpText('/inc');
    for (const fragment of [
      '`/inc declare [title]`',
      '/inc status investigating|identified|monitoring|resolved',
      '/inc severity SEV1',
      '/inc lead @someone',
      '/inc update &lt;text&gt;',
      '/inc note &lt;text&gt;',
      '/inc help',
    ]) {
      expect(help).toContain(fragment);
    }
    expect(help).toContain(':pushpin:');
    expect(incidentHelpText()).toContain('`/incident`');
    // `<` starts a Slack control sequence even inside code spans, so placeholders are escaped
    expect(help).not.toContain('<');
  });
});

describe('buildReminderMessage', () => {
  it('nudges the commander with the silence and what to do', () => {
    const message = buildReminderMessage({
      number: 7,
      title: 'DB failover',
      severity: 'SEV1',
      status: 'identified',
      silentForMinutes: 17,
      commander: { slackUserId: 'U01ALICE' },
    });
    expect(message.text).toBe(
      ':alarm_clock: <@U01ALICE>, *INC-7* (SEV1, Identified) has had no update for 17 min. Post one with `/incident update &lt;text&gt;` (public) or `/incident note &lt;text&gt;` (internal), or change the status.',
    );
    expect(allTexts(message.blocks)).toContain('INC-7: DB failover');
  });

  it('asks someone to take command when nobody has, and formats hours', () => {
    const message = buildReminderMessage({
      number: 7,
      title: '<!channel>',
      severity: 'SEV3',
      status: 'investigating',
      silentForMinutes: 125,
      commander: null,
      command: '/inc',
    });
    expect(message.text).toContain('has had no update for 2 h 5 min');
    expect(message.text).toContain('`/inc lead me`');
    expect(allTexts(message.blocks).join('\n')).not.toContain('<!channel>');
  });
});

describe('describeSlackFailure', () => {
  it.each([
    ['channel_not_found', 'invite the Ballast app'],
    ['not_in_channel', '/invite @Ballast'],
    ['missing_scope', 'OAuth scope'],
    ['some_new_error', 'Slack answered `some_new_error`'],
  ])('%s', (code, advice) => {
    const message = describeSlackFailure(code, 'post the headline');
    expect(message).toContain('Could not post the headline');
    expect(message).toContain(advice);
    expect(message).toContain('nothing was lost');
  });

  it('escapes the error code', () => {
    expect(describeSlackFailure('<!channel>', 'x')).not.toContain('<!channel>');
  });
});
