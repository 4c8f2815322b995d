import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { assertCanActOnTeam, Principal, TeamEntity, TeamsService } from '@app/catalog';
import { Clock, NotFoundError, ValidationFailedError } from '@app/platform';
import { OncallAt, oncallAt, parseOncallConfig, presentOncallConfig } from './domain/rotation';
import { OncallStore, StoredOncall } from './oncall.store';

export const ONCALL_CONFIGURED = 'oncall.configured';

export interface OncallConfiguredEvent {
  readonly teamId: string;
}

export interface OncallView {
  readonly team: string;
  readonly at: string;
  readonly current: string | null;
  readonly next: string | null;
  readonly shiftEndsAt: string | null;
  readonly scheduled: string | null;
  readonly override: { from: string; to: string; member: string } | null;
  readonly pagerduty: boolean;
  /** the same as `pagerduty`, named as on the team */
  readonly pagerDutyConfigured: boolean;
  readonly [field: string]: unknown;
}

const ROUTING_KEY = /^[A-Za-z0-9]{8,64}$/;

/** Rotations per team: validated configuration in, "who is on call at" out. */
@Injectable()
export class OncallService {
  constructor(
    private readonly store: OncallStore,
    private readonly teams: TeamsService,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  async putOncall(principal: Principal, slug: string, body: unknown): Promise<OncallView> {
    const team = await this.teams.getTeam(slug);
    assertCanActOnTeam(principal, team.id);
    let routingKey: string | null | undefined;
    let rest: unknown = body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'pagerdutyRoutingKey' in body) {
      const { pagerdutyRoutingKey, ...others } = body as Record<string, unknown>;
      if (pagerdutyRoutingKey !== null && (typeof pagerdutyRoutingKey !== 'string' || !ROUTING_KEY.test(pagerdutyRoutingKey))) {
        throw new ValidationFailedError('pagerdutyRoutingKey must be a PagerDuty integration key (8-64 letters and digits) or null', {
          field: 'pagerdutyRoutingKey',
        });
      }
      routingKey = pagerdutyRoutingKey as string | null;
      rest = others;
    }
    const parsed = parseOncallConfig(rest);
    if (!parsed.ok) throw new ValidationFailedError(parsed.problem.message, { field: parsed.problem.field, code: 'invalid_oncall' });
    const now = this.clock.now();
    await this.store.putOncall(team.id, parsed.config, routingKey, now);
    this.events.emit(ONCALL_CONFIGURED, { teamId: team.id } satisfies OncallConfiguredEvent);
    return this.view(team, (await this.store.getOncall(team.id)) as StoredOncall, now);
  }

  async getOncall(principal: Principal, slug: string, at: Date | null): Promise<OncallView> {
    const team = await this.teams.getTeam(slug);
    assertCanActOnTeam(principal, team.id);
    const stored = await this.store.getOncall(team.id);
    if (!stored) throw new NotFoundError('On-call rotation of team', slug);
    return this.view(team, stored, at ?? this.clock.now());
  }

  /** Who is on call now for every team with a rotation (for `/incident oncall`). */
  async everyTeamNow(): Promise<Array<{ team: TeamEntity; state: OncallAt }>> {
    const now = this.clock.now();
    const all: Array<{ team: TeamEntity; state: OncallAt }> = [];
    for (const stored of await this.store.listOncall()) {
      const team = await this.teams.getTeamById(stored.teamId);
      all.push({ team, state: oncallAt(stored.config, now) });
    }
    return all.sort((a, b) => a.team.slug.localeCompare(b.team.slug));
  }

  private view(team: TeamEntity, stored: StoredOncall, at: Date): OncallView {
    const state = oncallAt(stored.config, at);
    return {
      team: team.slug,
      at: at.toISOString(),
      current: state.current,
      next: state.next,
      shiftEndsAt: state.shiftEndsAt?.toISOString() ?? null,
      scheduled: state.scheduled,
      override: state.override ? { from: state.override.from.toISOString(), to: state.override.to.toISOString(), member: state.override.member } : null,
      pagerduty: stored.pagerdutyRoutingKey !== null,
      pagerDutyConfigured: stored.pagerdutyRoutingKey !== null,
      ...presentOncallConfig(stored.config),
    };
  }
}
