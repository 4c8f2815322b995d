import { type DeliveryFigures, type IncidentInsights } from '@app/incidents';
import { escapeMrkdwn, type SlackBlock, truncateText } from '../slack/ui';
import { formatDuration } from '../common/format-duration';
import { type DigestSlo, trendArrow } from './weekly-digest';

/** A follow-up past its due date (fed by an optional provider; see DigestFollowUpsProvider). */
export interface DigestFollowUp {
  title: string;
  owner: string | null;
  dueDate: string;
  incidentReference: string | null;
  url?: string | null;
}

/** Postmortems of the week's incidents: how many were required, how many of those are published. */
export interface DigestPostmortems {
  required: number;
  published: number;
  /** Follow-ups of the team still open (overdue ones are listed in their own section). */
  openFollowUps?: number;
  /** The week's incidents by the largest share of an SLO's budget they consumed, largest first. */
  byBudgetConsumed?: ReadonlyArray<{ reference: string; title: string; sloName: string; budgetConsumed: number }>;
}

export interface WeeklyDigestInput {
  team: string;
  insights: IncidentInsights;
  slosAtRisk: DigestSlo[];
  /** the team's DORA five for the week with the week before; null when the team deployed nothing in either */
  delivery: (DeliveryFigures & { previous: DeliveryFigures }) | null;
  followUpsOverdue: DigestFollowUp[];
  /** postmortem figures of the week; absent or null leaves the line out */
  postmortems?: DigestPostmortems | null;
  /** link to the team dashboard; omitted when no public URL of the API is configured */
  dashboardUrl: string | null;
}

const SECTION_TEXT_MAX = 3000;
const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);
const perDay = (value: number): string => value.toFixed(2).replace(/\.?0+$/, '') || '0';
/** For rates and durations lower is better: the arrow shows direction, the word says whether it is good. */
const rateTrend = (current: number | null, previous: number | null): string =>
  current === null || previous === null ? '' : ` ${trendArrow(current, previous)}`;

/**
 * The weekly digest as Block Kit: incidents by type with trend, MTTA/MTTR,
 * SLOs at risk, DORA's five, follow-ups overdue, and a link to the team
 * dashboard. All user text is escaped; each section stays within Slack's limits.
 */
export function buildWeeklyDigestBlocks(input: WeeklyDigestInput): SlackBlock[] {
  const { team, insights } = input;
  const teamRow = insights.byTeam.find((row) => row.team === team);
  const types = insights.byTeamAndType.filter((row) => row.team === team);
  const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: truncateText(text, SECTION_TEXT_MAX) } });
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateText(`Weekly reliability digest: ${team}`, 150) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${insights.from.slice(0, 10)} to ${insights.to.slice(0, 10)} (UTC), compared with the week before` }],
    },
  ];

  const count = teamRow?.count ?? 0;
  const previous = teamRow?.previousCount ?? 0;
  const typeLines = types.map(
    (row) => `• ${escapeMrkdwn(row.type ?? 'other')}: *${row.count}* ${trendArrow(row.count, row.previousCount)} (was ${row.previousCount})`,
  );
  blocks.push(
    section(
      [
        `*Incidents by type*: ${count} ${trendArrow(count, previous)} (previous week ${previous})`,
        ...(typeLines.length > 0 ? typeLines : ['No incidents in either week.']),
      ].join('\n'),
    ),
  );

  blocks.push({
    type: 'section',
    fields: [
      {
        type: 'mrkdwn',
        text: `*MTTA* (detected → acknowledged by a person)\nmedian ${formatDuration(teamRow?.mttaSeconds.median ?? null, 'n/a')}, p90 ${formatDuration(teamRow?.mttaSeconds.p90 ?? null, 'n/a')} · ${teamRow?.selfDeclared ?? 0} self-declared`,
      },
      {
        type: 'mrkdwn',
        text: `*MTTR* (started → resolved)\nmedian ${formatDuration(teamRow?.mttrSeconds.median ?? null, 'n/a')}, p90 ${formatDuration(teamRow?.mttrSeconds.p90 ?? null, 'n/a')}`,
      },
    ],
  });

  const sloLines = input.slosAtRisk.map((slo) => {
    const budget = slo.errorBudgetRemaining === null ? 'no data' : `${(slo.errorBudgetRemaining * 100).toFixed(1)}% budget left`;
    return `• ${escapeMrkdwn(slo.name)} (${escapeMrkdwn(slo.service)}): ${budget}, ${escapeMrkdwn(slo.state)}`;
  });
  blocks.push(section(['*SLOs at risk* (least error budget first)', ...(sloLines.length > 0 ? sloLines : ['None.'])].join('\n')));

  const delivery = input.delivery;
  if (delivery === null) {
    blocks.push(section('*Delivery (DORA)*\nNo production deployments recorded in either week.'));
  } else {
    const p = delivery.previous;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Delivery (DORA)*' },
      fields: [
        {
          type: 'mrkdwn',
          text: `*Deployments per day*\n${perDay(delivery.deploymentsPerDay)} ${trendArrow(delivery.deploymentsPerDay, p.deploymentsPerDay)} (${delivery.deployments}, was ${p.deployments})`,
        },
        {
          type: 'mrkdwn',
          text: `*Change failure rate*\n${percent(delivery.changeFailureRate)}${rateTrend(delivery.changeFailureRate, p.changeFailureRate)} (was ${percent(p.changeFailureRate)})`,
        },
        {
          type: 'mrkdwn',
          text: `*Failed deployment recovery*\nmedian ${formatDuration(delivery.failedDeploymentRecoveryTimeSeconds.median, 'n/a')}, p90 ${formatDuration(delivery.failedDeploymentRecoveryTimeSeconds.p90, 'n/a')}`,
        },
        {
          type: 'mrkdwn',
          text: `*Lead time for changes*\nmedian ${formatDuration(delivery.leadTimeForChangesSeconds.median, 'n/a')}, p90 ${formatDuration(delivery.leadTimeForChangesSeconds.p90, 'n/a')}`,
        },
        {
          type: 'mrkdwn',
          text: `*Deployment rework rate*\n${percent(delivery.deploymentReworkRate)}${rateTrend(delivery.deploymentReworkRate, p.deploymentReworkRate)} (was ${percent(p.deploymentReworkRate)})`,
        },
      ],
    });
  }

  if (input.postmortems) {
    const { required, published } = input.postmortems;
    blocks.push(section(`*Postmortems*: ${published} of ${required} required published${required > published ? ` (${required - published} missing)` : ''}`));
    const { openFollowUps, byBudgetConsumed } = input.postmortems;
    if (openFollowUps !== undefined) blocks.push(section(`*Follow-ups open*: ${openFollowUps}`));
    if (byBudgetConsumed && byBudgetConsumed.length > 0) {
      const lines = byBudgetConsumed
        .slice(0, 5)
        .map(
          (item) => `• ${escapeMrkdwn(item.reference)} ${escapeMrkdwn(item.title)}: ${percent(item.budgetConsumed)} of ${escapeMrkdwn(item.sloName)}'s budget`,
        );
      blocks.push(section(['*Incidents by budget consumed*', ...lines].join('\n')));
    }
  }

  const followUps = input.followUpsOverdue.slice(0, 10).map((item) => {
    const title = item.url ? `<${item.url}|${escapeMrkdwn(item.title)}>` : escapeMrkdwn(item.title);
    return `• ${title}${item.incidentReference ? ` (${escapeMrkdwn(item.incidentReference)})` : ''}: due ${escapeMrkdwn(item.dueDate)}${item.owner ? `, ${escapeMrkdwn(item.owner)}` : ''}`;
  });
  const more = input.followUpsOverdue.length > 10 ? [`…and ${input.followUpsOverdue.length - 10} more`] : [];
  blocks.push(section(['*Follow-ups overdue*', ...(followUps.length > 0 ? [...followUps, ...more] : ['None.'])].join('\n')));

  if (input.dashboardUrl) {
    blocks.push({ type: 'divider' });
    blocks.push(section(`<${input.dashboardUrl}|Open the ${escapeMrkdwn(team)} dashboard>`));
  }
  return blocks;
}
