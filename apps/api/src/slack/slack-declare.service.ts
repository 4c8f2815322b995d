import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServicesService, TeamsService } from '@app/catalog';
import { DeclareIncidentResult, IncidentsService, IncidentTypesService, TimelineAuthor } from '@app/incidents';
import {
  buildDeclareLoadingModal,
  buildDeclareModal,
  DECLARE_MODAL_FIELDS,
  DeclareModalChoices,
  DeclareModalMetadata,
  declareErrorsResponse,
  decodeDeclareMetadata,
  encodeDeclareMetadata,
  escapeMrkdwn,
  ModalView,
  parseDeclareSubmission,
  ViewStateValues,
} from './ui';
import { ACK_BUDGET_MS, withinAckWindow } from './http/slack-ack-window';
import { slackErrorCode, SlackGateway, SlackReplyTarget } from './slack-gateway';
import { SlackIncidentSync } from './slack-incident-sync.service';
import { declareFailedErrors, formFailureText, formUnavailableModal } from './ui/slack-replies';

/** A slash command as Ballast needs it (converted from Bolt's payload by the listener). */
export interface SlashCommandInput {
  readonly text: string;
  readonly userId: string;
  readonly userName: string | null;
  readonly channelId: string;
  readonly triggerId: string;
  readonly responseUrl: string | null;
}

/** A submitted declare form. */
export interface DeclareSubmissionInput {
  /** the same for every submission of one opened form: double clicks, Slack retries, replays */
  readonly viewId: string;
  readonly teamId: string | null;
  readonly userId: string;
  readonly userName: string | null;
  readonly values: ViewStateValues;
  readonly privateMetadata: string | null;
}

/** What a listener does: acknowledge with `ack` (undefined: an empty 200), then run `after` in the background. */
export interface SlackFlowOutcome<A> {
  readonly ack?: A;
  readonly after?: () => Promise<unknown>;
}

export type DeclareAck = ReturnType<typeof declareErrorsResponse>;

type DeclareOutcome = { ok: true; result: DeclareIncidentResult } | { ok: false; ack: DeclareAck };

/** How many teams/services the form offers (Slack's limit per select). */
const FORM_CHOICES_LIMIT = 100;
/**
 * Teams, services and types are read at most this often for forms: a burst of
 * /incident commands (everyone at once during an outage) then costs one set of
 * queries, not three per command. A submission that does not match them is
 * checked again against fresh ones, so a team created a moment ago still works.
 */
const FORM_CHOICES_MAX_AGE_MS = 5_000;

/** One incident per opened form, forever: the unique idempotency key in the database enforces it. */
export function declareIdempotencyKey(input: Pick<DeclareSubmissionInput, 'teamId' | 'viewId'>): string {
  return `slack:view:${input.teamId ?? '-'}:${input.viewId}`;
}

/**
 * Declaring from Slack: `/incident` opens the form (the real one at once when
 * the catalog was read a moment ago, otherwise a placeholder first because
 * trigger_ids expire after 3 s), and a submission becomes one incident whose
 * Slack side follows.
 */
@Injectable()
export class SlackDeclareFlow {
  private readonly logger = new Logger(SlackDeclareFlow.name);
  private readonly declaring = new Map<string, Promise<DeclareOutcome>>();
  private recentChoices: { readAt: number; choices: Promise<DeclareModalChoices>; value?: DeclareModalChoices } | null = null;

  constructor(
    private readonly gateway: SlackGateway,
    private readonly incidents: IncidentsService,
    private readonly incidentTypes: IncidentTypesService,
    private readonly teams: TeamsService,
    private readonly services: ServicesService,
    private readonly sync: SlackIncidentSync,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs after the command was acknowledged. When the catalog was read a
   * moment ago the real form opens at once; otherwise a placeholder opens
   * first (the trigger_id would expire while reading) and is then replaced.
   */
  async openForm(command: SlashCommandInput, title: string | null): Promise<void> {
    const metadata: DeclareModalMetadata = { channelId: command.channelId, ...(command.responseUrl ? { responseUrl: command.responseUrl } : {}) };
    const replyTo: SlackReplyTarget = { userId: command.userId, responseUrl: command.responseUrl };
    const known = this.freshChoicesAtHand();
    let opened: { viewId: string; hash: string | null };
    try {
      opened = await this.gateway.openView(
        command.triggerId,
        known ? buildDeclareModal({ choices: known, metadata, initial: { title } }) : buildDeclareLoadingModal(metadata),
      );
    } catch (error) {
      const code = slackErrorCode(error);
      this.logger.warn({ slackError: code, userId: command.userId }, 'could not open the declare form');
      await this.gateway.tellUser(replyTo, formFailureText(code));
      return;
    }
    if (known) return;
    let form: ModalView;
    try {
      form = buildDeclareModal({ choices: await this.formChoices(), metadata, initial: { title } });
    } catch (error) {
      this.logger.error({ err: error }, 'could not load the declare form choices');
      form = formUnavailableModal(encodeDeclareMetadata(metadata));
    }
    try {
      await this.gateway.updateView(opened.viewId, opened.hash, form);
    } catch (error) {
      const code = slackErrorCode(error);
      this.logger.warn({ slackError: code, userId: command.userId }, 'could not show the declare form');
      await this.gateway.tellUser(replyTo, formFailureText(code));
    }
  }

  /**
   * Validates and stores the incident before acknowledging (milliseconds), so
   * a failure keeps the form open with the reason; the Slack side runs after
   * the ack. A second submission of the same form finds the first incident.
   * When that takes longer than Slack waits (`ackDeadline`, epoch ms), the form
   * is closed at the deadline and the outcome reported to the person after.
   */
  async submit(input: DeclareSubmissionInput, ackDeadline: number = Date.now() + ACK_BUDGET_MS): Promise<SlackFlowOutcome<DeclareAck>> {
    const metadata = decodeDeclareMetadata(input.privateMetadata);
    const replyTo: SlackReplyTarget = { userId: input.userId, responseUrl: metadata.responseUrl ?? null, channelId: metadata.channelId };
    const settled = await withinAckWindow(this.declareFromForm(input), ackDeadline - Date.now());
    switch (settled.state) {
      case 'fulfilled':
        return settled.value.ok ? { after: this.afterDeclared(settled.value.result, replyTo) } : { ack: settled.value.ack };
      case 'rejected':
        return { ack: this.rejection(settled.error) };
      case 'pending':
        // Slower than Slack waits: close the form now, finish and report afterwards.
        return {
          after: async () => {
            let outcome: DeclareOutcome;
            try {
              outcome = await settled.promise;
            } catch (error) {
              this.logger.error({ err: error }, 'declaring an incident from Slack failed after the ack');
              await this.gateway.tellUser(replyTo, ':warning: Ballast could not store the incident. Nothing was declared: run the command again.');
              return;
            }
            if (!outcome.ok) {
              const problems = Object.values(outcome.ack.errors).join(' ');
              await this.gateway.tellUser(replyTo, `:warning: The incident was not declared: ${escapeMrkdwn(problems)} Run the command again.`);
              return;
            }
            await this.afterDeclared(outcome.result, replyTo)?.();
          },
        };
    }
  }

  /**
   * The form's answers checked against the catalog, then the incident stored
   * (or found, for a repeated submission). A double click usually lands both
   * submissions in this replica at the same moment: the second waits for the
   * first instead of racing it to the unique index (which still decides
   * across replicas).
   */
  private declareFromForm(input: DeclareSubmissionInput): Promise<DeclareOutcome> {
    const key = declareIdempotencyKey(input);
    const running = this.declaring.get(key);
    if (running) return running.then((outcome) => (outcome.ok ? { ok: true, result: { ...outcome.result, created: false } } : outcome));
    const outcome = this.checkAndDeclare(input).finally(() => this.declaring.delete(key));
    this.declaring.set(key, outcome);
    return outcome;
  }

  private async checkAndDeclare(input: DeclareSubmissionInput): Promise<DeclareOutcome> {
    let parsed = parseDeclareSubmission(input.values, await this.formChoices());
    if (!parsed.ok) parsed = parseDeclareSubmission(input.values, await this.formChoices(0));
    if (!parsed.ok) return { ok: false, ack: declareErrorsResponse(parsed.errors) };
    const { command } = parsed;
    if (command.team === null) {
      return { ok: false, ack: declareFailedErrors('Ballast has no team yet. Create one first (POST /api/v1/teams), then declare.') };
    }
    const author: TimelineAuthor = { kind: 'slack_user', slackUserId: input.userId, ...(input.userName ? { name: input.userName } : {}) };
    const result = await this.incidents.declareIncident(
      {
        title: command.title,
        summary: command.summary,
        severity: command.severity,
        team: command.team,
        type: command.type ?? 'other',
        services: command.services,
        visibility: command.visibility,
        // The form has no commander field: whoever declares leads until `/incident lead` says otherwise.
        commander: input.userId,
        ...(command.affectedComponents ? { affectedComponents: command.affectedComponents.map((component) => ({ ...component })) } : {}),
        source: 'slack',
        idempotencyKey: declareIdempotencyKey(input),
      },
      author,
    );
    return { ok: true, result };
  }

  private afterDeclared(result: DeclareIncidentResult, replyTo: SlackReplyTarget): (() => Promise<unknown>) | undefined {
    // An earlier submission of this form already declared it and owns its Slack side.
    if (!result.created) return undefined;
    return () => this.sync.setUpNewIncident(result.incident, replyTo);
  }

  private rejection(error: unknown): DeclareAck {
    const field = (error as { field?: unknown }).field;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof field === 'string' && field in DECLARE_MODAL_FIELDS) {
      return declareErrorsResponse([
        { field: field as keyof typeof DECLARE_MODAL_FIELDS, blockId: DECLARE_MODAL_FIELDS[field as keyof typeof DECLARE_MODAL_FIELDS].blockId, message },
      ]);
    }
    this.logger.error({ err: error }, 'declaring an incident from Slack failed');
    return declareFailedErrors('Ballast could not store the incident right now. Your answers are kept: submit again in a moment.');
  }

  /** The form's choices, read again when older than `maxAgeMs`; concurrent callers share one read. */
  private formChoices(maxAgeMs: number = FORM_CHOICES_MAX_AGE_MS): Promise<DeclareModalChoices> {
    const now = Date.now();
    if (maxAgeMs > 0 && this.recentChoices && now - this.recentChoices.readAt <= maxAgeMs) return this.recentChoices.choices;
    const entry: { readAt: number; choices: Promise<DeclareModalChoices>; value?: DeclareModalChoices } = { readAt: now, choices: this.loadChoices() };
    this.recentChoices = entry;
    entry.choices.then(
      (value) => (entry.value = value),
      () => {
        if (this.recentChoices === entry) this.recentChoices = null;
      },
    );
    return entry.choices;
  }

  /** Choices read within FORM_CHOICES_MAX_AGE_MS and already there, without waiting. */
  private freshChoicesAtHand(): DeclareModalChoices | null {
    const entry = this.recentChoices;
    return entry?.value && Date.now() - entry.readAt <= FORM_CHOICES_MAX_AGE_MS ? entry.value : null;
  }

  private async loadChoices(): Promise<DeclareModalChoices> {
    const page = { limit: FORM_CHOICES_LIMIT, offset: 0 };
    const [teams, services, types, components] = await Promise.all([
      this.teams.listTeams(page),
      this.services.listServices(page),
      this.incidentTypes.listIncidentTypes(null),
      this.dataSource.query('SELECT id, name FROM status_components ORDER BY name LIMIT 100') as Promise<Array<{ id: string; name: string }>>,
    ]);
    return {
      teams: teams.items.map((team) => ({ slug: team.slug, name: team.name })),
      services: services.items.map((service) => ({ slug: service.slug, name: service.name })),
      types: types.map((type) => ({ slug: type.slug, label: type.label })),
      components,
    };
  }
}
