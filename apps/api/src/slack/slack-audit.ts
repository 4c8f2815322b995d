import type { AuditEntry } from '@app/catalog';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The audit record of one Slack request: who (the Slack user), what (the
 * slash command and its subcommand, the interaction and its action ids, or
 * the event type), where (the channel). Never the free text itself.
 */
export function slackAuditEntry(body: Record<string, unknown>): AuditEntry | undefined {
  const command = text(body.command);
  if (command) {
    const subcommand = (text(body.text) ?? 'declare').trim().split(/\s+/)[0] || 'declare';
    return {
      channel: 'slack',
      actor: { kind: 'slack_user', slackUserId: text(body.user_id) ?? 'unknown', slackTeamId: text(body.team_id) ?? null },
      action: `slack ${command} ${subcommand}`,
      targetType: 'slack_channel',
      targetId: text(body.channel_id) ?? null,
      changedFields: [],
    };
  }
  const type = text(body.type);
  if (!type || type === 'url_verification' || type === 'ssl_check') return undefined;
  const user = (body.user ?? {}) as Record<string, unknown>;
  const event = (body.event ?? {}) as Record<string, unknown>;
  const actions = Array.isArray(body.actions) ? body.actions.map((action) => text((action as Record<string, unknown>).action_id)).filter(Boolean) : [];
  const channel = (body.channel ?? {}) as Record<string, unknown>;
  return {
    channel: 'slack',
    actor: {
      kind: 'slack_user',
      slackUserId: text(user.id) ?? text(event.user) ?? 'unknown',
      slackTeamId: text((body.team as Record<string, unknown> | undefined)?.id) ?? null,
    },
    action: `slack ${type}${type === 'event_callback' && text(event.type) ? ` ${text(event.type)}` : ''}${actions.length > 0 ? ` ${actions.join(',')}` : ''}`,
    targetType: 'slack_channel',
    targetId: text(channel.id) ?? text(event.channel) ?? text((event.item as Record<string, unknown> | undefined)?.channel) ?? null,
    changedFields: [],
  };
}
