import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '@app/config';
import { formatIncidentReference } from '@app/incidents';
import { Clock } from '@app/platform';
import { INCIDENT_RESOLUTION_LINKS, type IncidentResolutionLinksEvent } from '../slack/slack-resolution.service';
import { postmortemRequirement, type PostmortemStatus } from './domain/postmortem-rules';
import { PostmortemsService } from './postmortems.service';

/** The resolution message's postmortem line (pure): null when none is required and none exists. */
export function postmortemResolutionLine(input: { link: string; required: boolean; status: PostmortemStatus | null }): string | null {
  if (!input.required && input.status === null) return null;
  const target = /^https?:\/\//.test(input.link) ? `<${input.link}|open it in Ballast>` : `open ${input.link} in Ballast`;
  if (input.status !== null) return `:memo: Postmortem (${input.status}): ${target}`;
  return `:memo: A postmortem is required: ${target}`;
}

/**
 * Answers INCIDENT_RESOLUTION_LINKS with the postmortem draft link when the
 * resolved incident needs a postmortem (SEV1/SEV2 or budget burned) or has one.
 * Never fails the resolution message: an error leaves the line out.
 */
@Injectable()
export class PostmortemResolutionLinkListener {
  private readonly logger = new Logger(PostmortemResolutionLinkListener.name);

  constructor(
    private readonly postmortems: PostmortemsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @OnEvent(INCIDENT_RESOLUTION_LINKS)
  async resolutionLink(event: IncidentResolutionLinksEvent): Promise<string | null> {
    const { incident } = event;
    try {
      const postmortem = await this.postmortems.findForIncident(incident.id);
      const required = postmortem
        ? postmortem.required
        : postmortemRequirement(incident.severity, await this.postmortems.budgetImpactOf(incident, this.clock.now()), this.config.POSTMORTEM_BUDGET_SHARE)
            .required;
      return postmortemResolutionLine({ link: this.postmortems.dashboardLink(incident.id), required, status: postmortem?.status ?? null });
    } catch (error) {
      this.logger.warn({ err: error, incident: formatIncidentReference(incident.number) }, 'could not add the postmortem link to the resolution message');
      return null;
    }
  }
}
