import { IncidentCommand, invalidCommandReply, parseIncidentCommand } from './slash-command';

describe('parseIncidentCommand', () => {
  const table: Array<[string, IncidentCommand]> = [
    // declare
    ['', { kind: 'declare', title: null }],
    ['   ', { kind: 'declare', title: null }],
    ['declare', { kind: 'declare', title: null }],
    ['DECLARE', { kind: 'declare', title: null }],
    ['declare Checkout errors', { kind: 'declare', title: 'Checkout errors' }],
    ['declare   p99 &gt; 2s &amp; rising  ', { kind: 'declare', title: 'p99 > 2s & rising' }],
    // status
    ['status identified', { kind: 'status', status: 'identified', text: null }],
    ['Status MONITORING', { kind: 'status', status: 'monitoring', text: null }],
    ['status resolved Rolled back v2.3.1', { kind: 'status', status: 'resolved', text: 'Rolled back v2.3.1' }],
    ['status investigating  multi\nline  ', { kind: 'status', status: 'investigating', text: 'multi\nline' }],
    ['status identified bad deploy by <@U01ALICE|alice>', { kind: 'status', status: 'identified', text: 'bad deploy by @alice' }],
    // severity
    ['severity SEV1', { kind: 'severity', severity: 'SEV1' }],
    ['severity sev2', { kind: 'severity', severity: 'SEV2' }],
    ['severity 3', { kind: 'severity', severity: 'SEV3' }],
    ['severity Sev-4', { kind: 'severity', severity: 'SEV4' }],
    ['severity sev 1', { kind: 'severity', severity: 'SEV1' }],
    ['sev 2', { kind: 'severity', severity: 'SEV2' }],
    // lead
    ['lead <@U01ALICE|alice>', { kind: 'lead', assignee: { kind: 'slack_user', slackUserId: 'U01ALICE', name: 'alice' } }],
    ['lead <@U01ALICE>', { kind: 'lead', assignee: { kind: 'slack_user', slackUserId: 'U01ALICE', name: null } }],
    ['lead <@W0ENTERPRISE|bob>', { kind: 'lead', assignee: { kind: 'slack_user', slackUserId: 'W0ENTERPRISE', name: 'bob' } }],
    ['lead @alice', { kind: 'lead', assignee: { kind: 'name', name: 'alice' } }],
    ['lead alice', { kind: 'lead', assignee: { kind: 'name', name: 'alice' } }],
    ['lead me', { kind: 'lead', assignee: { kind: 'self' } }],
    ['commander ME', { kind: 'lead', assignee: { kind: 'self' } }],
    // update / note
    ['update We rolled back; errors are dropping', { kind: 'update', text: 'We rolled back; errors are dropping' }],
    ['UPDATE <!channel> all good', { kind: 'update', text: '@channel all good' }],
    ['update see <https://grafana.example/d/1|dashboard>', { kind: 'update', text: 'see dashboard (https://grafana.example/d/1)' }],
    ['note primary at 95% CPU', { kind: 'note', text: 'primary at 95% CPU' }],
    // help
    ['help', { kind: 'help' }],
    ['HELP me please', { kind: 'help' }],
    ['?', { kind: 'help' }],
  ];

  it.each(table)('%p', (text, expected) => {
    expect(parseIncidentCommand(text)).toEqual(expected);
  });

  const invalid: Array<[string, string | null, string]> = [
    ['status', 'status', 'needs one of: investigating, identified, monitoring, resolved'],
    ['status closed', 'status', 'Unknown status `closed`'],
    ['status &lt;!channel&gt;', 'status', 'Unknown status `&lt;!channel&gt;`'],
    ['severity', 'severity', 'needs one of: SEV1, SEV2, SEV3, SEV4'],
    ['severity SEV5', 'severity', 'needs one of'],
    ['severity 0', 'severity', 'needs one of'],
    ['severity critical', 'severity', 'needs one of'],
    ['severity sev1 because', 'severity', 'needs one of'],
    ['lead', 'lead', 'needs a person'],
    ['lead <@U01ALICE> <@U02BOB>', 'lead', 'takes one person'],
    ['lead <@not-a-user>', 'lead', 'needs a person'],
    ['lead <!channel>', 'lead', 'needs a person'],
    ['lead <#C0123|ops>', 'lead', 'needs a person'],
    ['lead @', 'lead', 'needs a person'],
    ['update', 'update', '`update` needs some text'],
    ['note   ', 'note', '`note` needs some text'],
    ['stauts resolved', null, 'Unknown subcommand `stauts`. Did you mean `status`?'],
    ['udpate all good', null, 'Did you mean `update`?'],
    ['checkout is down', null, 'Unknown subcommand `checkout`.'],
    ['&lt;!here&gt;', null, 'Unknown subcommand `&lt;!here&gt;`.'],
  ];

  it.each(invalid)('%p is invalid', (text, subcommand, reason) => {
    const result = parseIncidentCommand(text);
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.subcommand).toBe(subcommand);
    expect(result.reason).toContain(reason);
    expect(result.reason).not.toMatch(/<[!@#a-z]/);
  });

  it('does not suggest anything for a word far from every subcommand', () => {
    const result = parseIncidentCommand('checkout');
    expect(result.kind === 'invalid' && result.reason).toBe('Unknown subcommand `checkout`.');
  });
});

describe('invalidCommandReply', () => {
  it('explains what was wrong and then shows the help for the configured command', () => {
    const result = parseIncidentCommand('stauts');
    if (result.kind !== 'invalid') throw new Error('expected invalid');
    const reply = invalidCommandReply(result, '/inc');
    expect(reply.startsWith('Unknown subcommand `stauts`. Did you mean `status`?\n\n')).toBe(true);
    expect(reply).toContain('`/inc note &lt;text&gt;`');
  });
});

describe('paging and one-handed aliases', () => {
  it.each([
    ['oncall', { kind: 'oncall' }],
    ['on-call', { kind: 'oncall' }],
    ['ack', { kind: 'ack' }],
    ['Acknowledge', { kind: 'ack' }],
    ['resolve', { kind: 'status', status: 'resolved', text: null }],
    ['resolve Rolled back v42', { kind: 'status', status: 'resolved', text: 'Rolled back v42' }],
    ['sev1', { kind: 'severity', severity: 'SEV1' }],
    ['SEV4', { kind: 'severity', severity: 'SEV4' }],
    ['type Deploy', { kind: 'type', type: 'deploy' }],
    ['title Checkout &amp; cart down', { kind: 'title', title: 'Checkout & cart down' }],
  ])('parses %s', (text, expected) => {
    expect(parseIncidentCommand(text)).toEqual(expected);
  });

  it.each(['sev1 now', 'type', 'type not a slug', 'title', 'sev5'])('rejects %s with a reason', (text) => {
    expect(parseIncidentCommand(text).kind).toBe('invalid');
  });
});

describe('parseIncidentCommand: followup', () => {
  it.each([
    ['followup Add a canary stage', { kind: 'followup', title: 'Add a canary stage', priority: null }],
    ['follow-up p0 Page on 5xx &amp; timeouts', { kind: 'followup', title: 'Page on 5xx & timeouts', priority: 'P0' }],
    ['FOLLOWUP P3', { kind: 'invalid', subcommand: 'followup', reason: expect.stringContaining('needs a title') }],
    ['followup', { kind: 'invalid', subcommand: 'followup', reason: expect.stringContaining('needs a title') }],
  ])('%s', (text, expected) => {
    expect(parseIncidentCommand(text)).toEqual(expected);
  });
});

describe('duplicate', () => {
  it.each([
    ['duplicate INC-12', { kind: 'duplicate', of: 'INC-12' }],
    ['dup inc-3', { kind: 'duplicate', of: 'INC-3' }],
    ['DUPLICATE 7', { kind: 'duplicate', of: 'INC-7' }],
    ['duplicate', { kind: 'invalid', subcommand: 'duplicate', reason: expect.stringContaining('needs the original incident') }],
    ['duplicate INC-0', { kind: 'invalid', subcommand: 'duplicate', reason: expect.stringContaining('needs the original incident') }],
    ['duplicate INC-1 INC-2', { kind: 'invalid', subcommand: 'duplicate', reason: expect.stringContaining('needs the original incident') }],
    ['duplicate <!channel>', { kind: 'invalid', subcommand: 'duplicate', reason: expect.stringContaining('needs the original incident') }],
  ])('%s', (text, expected) => {
    expect(parseIncidentCommand(text)).toEqual(expected);
  });
});
