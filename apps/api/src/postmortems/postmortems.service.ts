import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { assertCanActOnTeam, canActOnTeam, Principal } from '@app/catalog';
import { formatIncidentReference, IncidentEntity, IncidentQueriesService } from '@app/incidents';
import { escapeMrkdwn } from '../slack/ui';
import { Clock, ConflictError, isUniqueViolation, NotFoundError, ValidationFailedError } from '@app/platform';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { slackErrorCode, SlackGateway } from '../slack/slack-gateway';
import { buildPostmortemMarkdown, PostmortemSource } from './domain/postmortem-markdown';
import { assertPostmortemTransition, PostmortemBudgetImpact, postmortemRequirement, PostmortemRequirement, PostmortemStatus } from './domain/postmortem-rules';
import { PostmortemEntity, PostmortemVersionEntity } from './postmortem.entity';
import { SloBudgetImpactReader, sloIdOfDedupKey } from './slo-budget-impact.reader';

export const POSTMORTEM_MARKDOWN_MAX_LENGTH = 500_000;

export interface PostmortemChanges {
  readonly markdown?: unknown;
  readonly status?: unknown;
}

/**
 * Postmortems: the first draft written from the incident (timeline, durations,
 * budget impact), then edited by people; every change keeps the text it
 * replaced as a version. Team tokens act only on their own team's incidents.
 */
@Injectable()
export class PostmortemsService {
  private readonly logger = new Logger(PostmortemsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(PostmortemEntity) private readonly postmortems: Repository<PostmortemEntity>,
    @InjectRepository(PostmortemVersionEntity) private readonly versions: Repository<PostmortemVersionEntity>,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly followUps: FollowUpsService,
    private readonly budgets: SloBudgetImpactReader,
    private readonly slack: SlackGateway,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The incident, if the principal may act on it: 404 for another team's private incident, 403 for another team's other ones. */
  async incidentFor(principal: Principal, reference: string): Promise<IncidentEntity> {
    const incident = await this.incidentQueries.getIncident(reference);
    if (incident.visibility === 'private' && !canActOnTeam(principal, incident.teamId)) throw new NotFoundError('Incident', reference);
    assertCanActOnTeam(principal, incident.teamId);
    return incident;
  }

  async createDraft(
    principal: Principal,
    reference: string,
    options: { readonly early: boolean },
  ): Promise<{ postmortem: PostmortemEntity; created: boolean }> {
    const incident = await this.incidentFor(principal, reference);
    const existing = await this.postmortems.findOneBy({ incidentId: incident.id });
    if (existing) return { postmortem: existing, created: false };
    if (!incident.resolvedAt && !options.early) {
      throw new ConflictError(
        'incident_still_open',
        `${formatIncidentReference(incident.number)} is still ${incident.status}: a postmortem draft is written once the incident is resolved (or ask for an early draft with ?draft=early)`,
        { field: 'id' },
      );
    }
    const draft = await this.buildDraft(incident);
    let saved: PostmortemEntity;
    try {
      saved = await this.postmortems.save(
        this.postmortems.create({
          incidentId: incident.id,
          teamId: incident.teamId,
          status: 'draft',
          markdown: draft.markdown,
          version: 1,
          budgetImpact: [...draft.budgetImpact],
          required: draft.requirement.required,
          requiredBecause: draft.requirement.requiredBecause,
          publishedAt: null,
        }),
      );
    } catch (error) {
      // A concurrent request created it first: answer with that one.
      if (isUniqueViolation(error)) {
        const winner = await this.postmortems.findOneBy({ incidentId: incident.id });
        if (winner) return { postmortem: winner, created: false };
      }
      throw error;
    }
    await this.announce(incident, saved);
    return { postmortem: saved, created: true };
  }

  /** Draft text, budget impact and requirement of an incident, as of now. */
  async buildDraft(
    incident: IncidentEntity,
  ): Promise<{ markdown: string; budgetImpact: readonly PostmortemBudgetImpact[]; requirement: PostmortemRequirement }> {
    const now = this.clock.now();
    const budgetImpact = await this.budgetImpactOf(incident, now);
    const requirement = postmortemRequirement(incident.severity, budgetImpact, this.config.POSTMORTEM_BUDGET_SHARE);
    const [timeline, followUps] = await Promise.all([this.incidentQueries.getTimeline(incident.id), this.followUps.forIncident(incident.id)]);
    const source: PostmortemSource = {
      incident: {
        reference: formatIncidentReference(incident.number),
        title: incident.title,
        summary: incident.summary,
        severity: incident.severity,
        status: incident.status,
        type: incident.type,
        team: incident.team?.slug ?? '',
        visibility: incident.visibility,
        commander: incident.commander,
        services: (incident.services ?? []).map((link) => link.service.slug).sort(),
        affectedComponents: (incident.affectedComponents ?? []).map((component) => ({ componentId: component.componentId, status: component.status })),
        startedAt: incident.startedAt,
        detectedAt: incident.detectedAt,
        acknowledgedAt: incident.acknowledgedAt,
        mitigatedAt: incident.mitigatedAt,
        resolvedAt: incident.resolvedAt,
      },
      timeline: timeline.map((entry) => {
        const { author: _author, ...data } = entry.data as Record<string, unknown>;
        return { kind: entry.kind, occurredAt: entry.occurredAt, author: entry.author, body: entry.body, public: entry.public, data };
      }),
      budgetImpact,
      requiredBecause: requirement.requiredBecause,
      followUps: followUps.map((followUp) => ({
        title: followUp.title,
        priority: followUp.priority,
        owner: followUp.owner,
        dueDate: followUp.dueDate,
        status: followUp.status,
      })),
      now,
    };
    return { markdown: buildPostmortemMarkdown(source), budgetImpact, requirement };
  }

  /** Budget each linked SLO lost during [startedAt, resolvedAt or now]. */
  async budgetImpactOf(incident: IncidentEntity, now: Date): Promise<PostmortemBudgetImpact[]> {
    const openedBy = sloIdOfDedupKey(incident.dedupKey);
    return this.budgets.impacts({
      serviceIds: (incident.services ?? []).map((link) => link.serviceId),
      sloIds: openedBy ? [openedBy] : [],
      startedAt: incident.startedAt,
      endedAt: incident.resolvedAt ?? now,
    });
  }

  async get(principal: Principal, reference: string): Promise<{ incident: IncidentEntity; postmortem: PostmortemEntity }> {
    const incident = await this.incidentFor(principal, reference);
    const postmortem = await this.postmortems.findOneBy({ incidentId: incident.id });
    if (!postmortem) throw new NotFoundError('Postmortem', reference);
    return { incident, postmortem };
  }

  /** For the dashboard page (its caller already checked access). */
  async findForIncident(incidentId: string): Promise<PostmortemEntity | null> {
    return this.postmortems.findOneBy({ incidentId });
  }

  async listVersions(principal: Principal, reference: string): Promise<PostmortemVersionEntity[]> {
    const { postmortem } = await this.get(principal, reference);
    return this.versions.find({ where: { postmortemId: postmortem.id }, order: { version: 'ASC' } });
  }

  async update(principal: Principal, reference: string, changes: PostmortemChanges, author: string): Promise<PostmortemEntity> {
    if (
      changes.markdown !== undefined &&
      (typeof changes.markdown !== 'string' || changes.markdown.trim() === '' || changes.markdown.length > POSTMORTEM_MARKDOWN_MAX_LENGTH)
    ) {
      throw new ValidationFailedError(`markdown must be non-empty text of at most ${POSTMORTEM_MARKDOWN_MAX_LENGTH} characters`, { field: 'markdown' });
    }
    if (changes.markdown === undefined && changes.status === undefined)
      throw new ValidationFailedError('give markdown and/or status to change', { field: 'markdown' });
    const { postmortem: current } = await this.get(principal, reference);
    return this.dataSource.transaction(async (manager) => {
      const locked = await manager
        .createQueryBuilder(PostmortemEntity, 'postmortem')
        .setLock('pessimistic_write')
        .where('postmortem.id = :id', { id: current.id })
        .getOneOrFail();
      const status: PostmortemStatus = changes.status === undefined ? locked.status : assertPostmortemTransition(locked.status, changes.status);
      const markdown = typeof changes.markdown === 'string' ? changes.markdown : locked.markdown;
      if (status === locked.status && markdown === locked.markdown) return locked;
      await manager.insert(PostmortemVersionEntity, {
        postmortemId: locked.id,
        version: locked.version,
        status: locked.status,
        markdown: locked.markdown,
        author: author.slice(0, 100),
      });
      const publishedAt = status === 'published' ? (locked.publishedAt ?? this.clock.now()) : null;
      await manager.update(PostmortemEntity, { id: locked.id }, { status, markdown, version: locked.version + 1, publishedAt });
      return manager.findOneByOrFail(PostmortemEntity, { id: locked.id });
    });
  }

  dashboardLink(incidentId: string): string {
    return `${(this.config.PUBLIC_API_URL ?? '').replace(/\/$/, '')}/dashboard/incidents/${incidentId}`;
  }

  /** The incident's channel, or its team's when it has none. */
  async channelFor(incident: IncidentEntity): Promise<string | null> {
    return incident.slackChannelId ?? incident.team?.slackChannelId ?? null;
  }

  /** "The draft is ready" in the incident channel (or the team's), with the link. Never fails the request. */
  private async announce(incident: IncidentEntity, postmortem: PostmortemEntity): Promise<void> {
    if (!this.slack.enabled) return;
    const channel = await this.channelFor(incident);
    if (!channel) return;
    const reference = formatIncidentReference(incident.number);
    const link = this.dashboardLink(incident.id);
    const required = postmortem.required && postmortem.requiredBecause ? `\n:warning: ${escapeMrkdwn(postmortem.requiredBecause)}` : '';
    const where = /^https?:\/\//.test(link) ? `<${link}|open the postmortem>` : `open ${link} in Ballast`;
    const text = `:memo: The postmortem draft for ${reference} ${escapeMrkdwn(incident.title)} is ready: ${where}.${required}`;
    try {
      await this.slack.postMessage(channel, { text });
    } catch (error) {
      this.logger.warn({ incident: reference, slackError: slackErrorCode(error) }, 'could not announce the postmortem draft');
    }
  }
}
