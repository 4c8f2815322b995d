import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { IncidentsService, IncidentQueriesService, TimelineAuthor } from '@app/incidents';
import { Clock } from '@app/platform';
import { publicIncidentText, SLO_EVALUATED, SloEvaluatedEvent } from '@app/slo';
import { StatusComponentsService } from '@app/status';
import { TeamNotifier } from '../notifications/team-notifier';
import { decideBudgetPolicyActions, describeBurn, formatBurnRate, formatPercent } from './budget-policy';

const AUTHOR: TimelineAuthor = { kind: 'system', component: 'slo' };

export function sloDedupKey(sloId: string): string {
  return `slo:${sloId}`;
}

/**
 * The loop no peer closes: an SLO whose page tier starts burning opens an
 * incident for the owning team (one open incident per SLO), the team hears
 * about ticket-tier burns and an exhausted budget, and the end of a burn is
 * written to the incident's timeline. Resolution stays human unless the
 * policy sets autoResolveAfterMinutes. The status component the policy names
 * follows the SLO through SloComponentStateListener (the one writer), not here.
 */
@Injectable()
export class BudgetPolicyListener {
  private readonly logger = new Logger(BudgetPolicyListener.name);

  constructor(
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly notifier: TeamNotifier,
    private readonly statusComponents: StatusComponentsService,
    private readonly clock: Clock,
  ) {}

  @OnEvent(SLO_EVALUATED, { async: true, promisify: true })
  async onSloEvaluated(event: SloEvaluatedEvent): Promise<void> {
    try {
      await this.apply(event);
    } catch (error) {
      this.logger.error({ err: error, slo: event.slo.id }, 'error budget policy failed for this evaluation; it is retried on the next edge');
    }
  }

  async apply(event: SloEvaluatedEvent): Promise<void> {
    const { slo, status } = event;
    const figures = describeBurn(slo.name, status);
    for (const action of decideBudgetPolicyActions(event.previousStatus, status)) {
      switch (action.kind) {
        case 'page_burn_started': {
          const burn = { sloId: slo.id, sloName: slo.name, tier: 'page', burnRate: action.burnRate };
          let reference = '';
          if (slo.policy.openIncident) {
            const componentStatus = (action.burnRate ?? 0) >= 14 ? 'major_outage' : 'partial_outage';
            // A public incident speaks to customers: a title and first update from the policy's templates, never the SLO's name or figures
            // (those go to the internal timeline with the burn event below).
            const wording = slo.policy.publicIncident
              ? publicIncidentText(slo.policy, {
                  component: await this.componentName(slo.policy.statusComponentId, slo.service.name),
                  service: slo.service.name,
                })
              : {
                  title: `SLO ${slo.name} is burning its error budget`.slice(0, 120),
                  message: `${figures}\nPage tier ${action.longWindow}/${action.shortWindow} fired at ${formatBurnRate(action.burnRate)}.`,
                };
            const { incident, created } = await this.incidents.declareIncident(
              {
                title: wording.title,
                summary: wording.message,
                severity: slo.policy.severity,
                team: slo.team.slug,
                type: 'other',
                services: [slo.service.slug],
                visibility: slo.policy.publicIncident ? 'public' : 'internal',
                affectedComponents:
                  slo.policy.publicIncident && slo.policy.statusComponentId ? [{ componentId: slo.policy.statusComponentId, status: componentStatus }] : [],
                source: 'slo',
                dedupKey: sloDedupKey(slo.id),
              },
              AUTHOR,
            );
            await this.incidents.recordEvent(incident.id, 'slo_burn_started', burn, AUTHOR, { body: figures, sourceRef: `slo-burn:${status.evaluatedAt}` });
            reference = ` ${created ? 'Opened' : 'Updated'} INC-${incident.number}.`;
          }
          await this.notifier.notifyTeam(
            slo.team,
            `:rotating_light: ${slo.name} (${slo.service.name}) is burning its error budget at ${formatBurnRate(action.burnRate)} (page tier ${action.longWindow}/${action.shortWindow}).${reference} ${figures}`,
          );
          break;
        }
        case 'page_burn_stopped': {
          const open = await this.incidentQueries.findOpenByDedupKey(sloDedupKey(slo.id));
          if (open) {
            await this.incidents.recordEvent(
              open.id,
              'slo_burn_stopped',
              { sloId: slo.id, sloName: slo.name, tier: 'page', burnRate: action.burnRate },
              AUTHOR,
              { body: figures, sourceRef: `slo-burn-stopped:${status.evaluatedAt}` },
            );
          }
          await this.notifier.notifyTeam(
            slo.team,
            `${slo.name} stopped burning its error budget (1h burn rate ${formatBurnRate(action.burnRate)}).${open ? ` INC-${open.number} stays open until someone resolves it.` : ''}`,
          );
          break;
        }
        case 'ticket_burn_started':
          await this.notifier.notifyTeam(
            slo.team,
            `:warning: ${slo.name} (${slo.service.name}) is slowly burning its error budget: ${formatBurnRate(action.burnRate)} over ${action.longWindow}. No incident opened (ticket tier). ${figures}`,
          );
          break;
        case 'budget_exhausted': {
          const open = await this.incidentQueries.findOpenByDedupKey(sloDedupKey(slo.id));
          if (open) {
            await this.incidents.recordEvent(
              open.id,
              'budget_exhausted',
              { sloId: slo.id, sloName: slo.name, errorBudgetRemaining: action.errorBudgetRemaining },
              AUTHOR,
              { body: figures, sourceRef: `budget-exhausted:${status.evaluatedAt}` },
            );
          }
          this.logger.warn({ slo: slo.id, team: slo.team.slug, errorBudgetRemaining: action.errorBudgetRemaining }, 'error budget exhausted');
          const freeze = slo.policy.freezeDeploys
            ? ` Deploys of ${slo.service.slug} are frozen: its deploy gate (GET /api/v1/services/${slo.service.slug}/deploy-gate) says no until the budget recovers, except security and P0 fixes (override with a reason).`
            : ' Per the error budget policy: freeze risky changes until it recovers.';
          await this.notifier.notifyTeam(
            slo.team,
            `:octagonal_sign: ${slo.name} has exhausted its error budget (${formatPercent(action.errorBudgetRemaining)} remaining over ${slo.window}).${freeze}`,
          );
          break;
        }
        case 'quiet':
          await this.maybeAutoResolve(event);
          break;
      }
    }
  }

  /** The name customers know the component by; the service's name when there is none (or it cannot be read). */
  private async componentName(componentId: string | undefined, fallback: string): Promise<string> {
    if (!componentId) return fallback;
    try {
      return (await this.statusComponents.getComponent(componentId)).component.name;
    } catch (error) {
      this.logger.warn({ err: error, componentId }, 'could not read the status component named by the SLO policy; the public incident names the service');
      return fallback;
    }
  }

  /** After autoResolveAfterMinutes without a page burn, resolve the SLO's incident. */
  private async maybeAutoResolve(event: SloEvaluatedEvent): Promise<void> {
    const minutes = event.slo.policy.autoResolveAfterMinutes;
    if (!minutes) return;
    const open = await this.incidentQueries.findOpenByDedupKey(sloDedupKey(event.slo.id));
    if (!open || open.source !== 'slo') return;
    const timeline = await this.incidentQueries.getTimeline(open.id);
    const stopped = timeline.filter((entry) => entry.kind === 'slo_burn_stopped').at(-1);
    const started = timeline.filter((entry) => entry.kind === 'slo_burn_started').at(-1);
    if (!stopped || (started && started.occurredAt > stopped.occurredAt)) return;
    if (this.clock.now().getTime() - stopped.occurredAt.getTime() < minutes * 60_000) return;
    await this.incidents.postUpdate(
      open.id,
      {
        body: `Resolved automatically: ${event.slo.name} has not burned its budget for ${minutes} minutes.`,
        public: open.visibility === 'public',
        status: 'resolved',
      },
      AUTHOR,
    );
  }
}
