import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SLO_EVALUATED, SloEvaluatedEvent } from '@app/slo';
import { SloComponentStates } from '@app/status';

/**
 * Status components follow their SLOs on every evaluation: the SLO policy's
 * `statusComponentId` (the alias of the component's `sloIds`) is written as
 * the same link, then the evaluated state goes onto every link to the SLO
 * through the one writer (SloComponentStates.record). Idempotent: replaying an
 * evaluation changes nothing; the status job's catch-up writes through the
 * same method.
 */
@Injectable()
export class SloComponentStateListener {
  private readonly logger = new Logger(SloComponentStateListener.name);

  constructor(private readonly states: SloComponentStates) {}

  @OnEvent(SLO_EVALUATED, { async: true, promisify: true })
  async onSloEvaluated(event: SloEvaluatedEvent): Promise<void> {
    try {
      await this.follow(event);
    } catch (error) {
      // The status job catches up from the stored evaluation on its next tick.
      this.logger.warn({ err: error, slo: event.slo.id }, 'could not move the status components linked to this SLO; the status job will catch up');
    }
  }

  async follow(event: SloEvaluatedEvent): Promise<void> {
    const { slo, status } = event;
    const componentId = slo.policy.statusComponentId;
    if (componentId && !(await this.states.linkFromPolicy(componentId, slo.id))) {
      this.logger.warn({ slo: slo.id, componentId }, 'the status component named by the SLO policy does not exist; no component moves');
    }
    await this.states.record([
      { sloId: slo.id, state: status.state, componentStatusOn: slo.policy.componentStatusOn ?? 'page', evaluatedAt: new Date(status.evaluatedAt) },
    ]);
  }
}
