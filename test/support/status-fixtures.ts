import { DataSource } from 'typeorm';
import {
  type ComponentStatus,
  IncidentAffectedComponentEntity,
  IncidentEntity,
  type IncidentStatus,
  IncidentTimelineEventEntity,
  type Severity,
  type Visibility,
} from '@app/incidents';

/**
 * Writes incidents straight through the incident entities' TypeORM
 * repositories, as the incidents API and the Slack bot do, so status page
 * tests do not depend on those entry points.
 */
export class IncidentFixtures {
  constructor(private readonly dataSource: DataSource) {}

  async teamId(slug: string): Promise<string> {
    const [row] = (await this.dataSource.query(`SELECT id FROM teams WHERE slug = $1`, [slug])) as Array<{ id: string }>;
    if (!row) throw new Error(`no team ${slug}`);
    return row.id;
  }

  async declare(input: {
    teamId: string;
    title: string;
    visibility: Visibility;
    severity?: Severity;
    status?: IncidentStatus;
    startedAt: Date;
    resolvedAt?: Date | null;
    commander?: string;
    slackChannelName?: string;
    summary?: string;
    affected?: Array<{ componentId: string; status: ComponentStatus }>;
  }): Promise<IncidentEntity> {
    const incident = await this.dataSource.getRepository(IncidentEntity).save(
      this.dataSource.getRepository(IncidentEntity).create({
        title: input.title,
        summary: input.summary ?? '',
        severity: input.severity ?? 'SEV2',
        status: input.status ?? 'investigating',
        type: 'deploy',
        teamId: input.teamId,
        visibility: input.visibility,
        commander: input.commander ?? null,
        declaredBy: input.commander ?? 'U0TESTUSER',
        source: 'api',
        slackChannelId: input.slackChannelName ? 'C0TESTCHAN1' : null,
        slackChannelName: input.slackChannelName ?? null,
        startedAt: input.startedAt,
        detectedAt: input.startedAt,
        resolvedAt: input.resolvedAt ?? null,
        lastUpdateAt: input.startedAt,
      }),
    );
    if (input.affected?.length) await this.setAffected(incident.id, input.affected);
    return incident;
  }

  async setAffected(incidentId: string, affected: Array<{ componentId: string; status: ComponentStatus }>): Promise<void> {
    const repository = this.dataSource.getRepository(IncidentAffectedComponentEntity);
    await repository.delete({ incidentId });
    if (affected.length > 0) await repository.insert(affected.map((component) => ({ incidentId, ...component })));
  }

  async addEvent(input: {
    incidentId: string;
    kind: string;
    body: string;
    public: boolean;
    status?: IncidentStatus;
    occurredAt: Date;
    author?: string;
    data?: Record<string, unknown>;
  }): Promise<IncidentTimelineEventEntity> {
    const repository = this.dataSource.getRepository(IncidentTimelineEventEntity);
    return repository.save(
      repository.create({
        incidentId: input.incidentId,
        kind: input.kind,
        author: input.author ?? 'U0TESTUSER',
        body: input.body,
        public: input.public,
        statusAtEvent: input.status ?? null,
        data: input.data ?? {},
        occurredAt: input.occurredAt,
      }),
    );
  }

  /**
   * Many resolved public incidents with public updates in two bulk inserts
   * (a page with a long history, to make snapshot rebuilds heavy).
   */
  async declareResolvedHistory(input: { teamId: string; count: number; updatesEach: number; endingAt: Date }): Promise<string[]> {
    const hour = 3_600_000;
    const rows = Array.from({ length: input.count }, (_unused, index) => {
      const startedAt = new Date(input.endingAt.getTime() - (index + 1) * 6 * hour);
      return this.dataSource.getRepository(IncidentEntity).create({
        title: `Elevated latency on service ${index % 17} (#${index + 1})`,
        summary: '',
        severity: 'SEV3',
        status: 'resolved',
        type: 'deploy',
        teamId: input.teamId,
        visibility: 'public',
        commander: null,
        declaredBy: 'U0TESTUSER',
        source: 'api',
        slackChannelId: null,
        slackChannelName: null,
        startedAt,
        detectedAt: startedAt,
        resolvedAt: new Date(startedAt.getTime() + hour),
        lastUpdateAt: new Date(startedAt.getTime() + hour),
      });
    });
    const inserted = await this.dataSource.getRepository(IncidentEntity).insert(rows);
    const ids = inserted.identifiers.map((identifier) => identifier.id as string);
    const statuses: IncidentStatus[] = ['investigating', 'identified', 'monitoring', 'resolved'];
    const events = ids.flatMap((incidentId, index) =>
      Array.from({ length: input.updatesEach }, (_unused, update) =>
        this.dataSource.getRepository(IncidentTimelineEventEntity).create({
          incidentId,
          kind: 'public_update',
          author: 'U0TESTUSER',
          body: `Update ${update + 1}: we are looking into elevated latency for some customers; more details to follow as we learn them.`,
          public: true,
          statusAtEvent: statuses[Math.min(update, statuses.length - 1)],
          data: {},
          occurredAt: new Date(rows[index].startedAt.getTime() + update * 900_000),
        }),
      ),
    );
    await this.dataSource.getRepository(IncidentTimelineEventEntity).save(events, { chunk: 500, reload: false });
    return ids;
  }

  async update(incidentId: string, changes: Partial<Pick<IncidentEntity, 'status' | 'title' | 'visibility' | 'resolvedAt' | 'mitigatedAt'>>): Promise<void> {
    await this.dataSource.getRepository(IncidentEntity).update({ id: incidentId }, changes);
  }
}

/** Strings that must never reach any public output. */
export const SECRETS = {
  privateTitle: 'PRIVATE-INCIDENT-3f9a Payroll export leaked',
  internalTitle: 'INTERNAL-INCIDENT-77c1 Staging cluster down',
  internalNote: 'INTERNAL-NOTE-5d2e root cause is the vendor, do not say so',
  privateUpdate: 'PRIVATE-UPDATE-a81b customers of bank X affected',
  nonPublicUpdateOfPublic: 'UNPUBLISHED-UPDATE-0c4d draft wording',
  commander: 'U0COMMANDER9 Jane Doe',
  slackChannel: 'inc-42-secret-channel',
  summary: 'SUMMARY-INTERNAL-61fe 5xx on /pay from pod xyz',
  sloId: 'slo-checkout-availability-internal',
} as const;

export const SCRIPT = '<script>alert(1)</script>';

export interface SeededScenario {
  teamId: string;
  groupId: string;
  checkoutId: string;
  apiComponentId: string;
  searchId: string;
  publicIncidentId: string;
  resolvedIncidentId: string;
  privateIncidentId: string;
  internalIncidentId: string;
  maintenanceId: string;
}

type Http = {
  post(path: string): { set(headers: Record<string, string>): { send(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
};

/**
 * A status page with a bit of everything: a group, components (one only shown
 * when degraded), a public incident with `<script>` in its title and updates,
 * a resolved one, a private and an internal incident, an internal note and an
 * unpublished update on the public incident, and an upcoming maintenance.
 */
export async function seedStatusScenario(api: { http: Http; admin: Record<string, string> }, fixtures: IncidentFixtures, now: Date): Promise<SeededScenario> {
  const post = async (path: string, body: unknown) => {
    const response = await api.http.post(path).set(api.admin).send(body);
    if (response.status !== 201) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as { id: string };
  };
  await post('/api/v1/teams', { slug: 'payments', name: 'Payments', slackChannelId: 'C0PAYMENTS1' });
  await post('/api/v1/services', { slug: 'checkout', name: 'Checkout', team: 'payments' });
  const group = await post('/api/v1/status/component-groups', { name: 'Payments', description: 'Paying for things' });
  const checkout = await post('/api/v1/status/components', {
    name: `Checkout ${SCRIPT}`,
    description: 'Paying for an order',
    groupId: group.id,
    services: ['checkout'],
    sloIds: [SECRETS.sloId],
  });
  const apiComponent = await post('/api/v1/status/components', { name: 'Public API', description: 'REST and webhooks' });
  const search = await post('/api/v1/status/components', { name: 'Search', onlyShowIfDegraded: true });
  const teamId = await fixtures.teamId('payments');
  const minutes = (count: number) => new Date(now.getTime() + count * 60_000);

  const open = await fixtures.declare({
    teamId,
    title: `Checkout errors ${SCRIPT}`,
    visibility: 'public',
    severity: 'SEV2',
    startedAt: minutes(-30),
    commander: SECRETS.commander,
    slackChannelName: SECRETS.slackChannel,
    summary: SECRETS.summary,
  });
  await fixtures.addEvent({
    incidentId: open.id,
    kind: 'components_changed',
    body: '',
    public: false,
    occurredAt: minutes(-29),
    data: { changes: [{ componentId: checkout.id, from: null, to: 'partial_outage' }] },
  });
  await fixtures.setAffected(open.id, [{ componentId: checkout.id, status: 'partial_outage' }]);
  await fixtures.addEvent({
    incidentId: open.id,
    kind: 'public_update',
    body: `We are investigating ${SCRIPT} errors at checkout.`,
    public: true,
    status: 'investigating',
    occurredAt: minutes(-28),
  });
  await fixtures.addEvent({ incidentId: open.id, kind: 'internal_note', body: SECRETS.internalNote, public: false, occurredAt: minutes(-20) });
  await fixtures.addEvent({
    incidentId: open.id,
    kind: 'public_update',
    body: SECRETS.nonPublicUpdateOfPublic,
    public: false,
    status: 'identified',
    occurredAt: minutes(-15),
  });
  await fixtures.addEvent({
    incidentId: open.id,
    kind: 'public_update',
    body: 'The cause is identified;\na fix is rolling out.',
    public: true,
    status: 'identified',
    occurredAt: minutes(-10),
  });
  await fixtures.update(open.id, { status: 'identified' });

  const resolved = await fixtures.declare({
    teamId,
    title: 'Slow webhooks',
    visibility: 'public',
    severity: 'SEV3',
    status: 'resolved',
    startedAt: minutes(-3 * 24 * 60),
    resolvedAt: minutes(-3 * 24 * 60 + 45),
  });
  await fixtures.addEvent({
    incidentId: resolved.id,
    kind: 'public_update',
    body: 'Webhooks are delayed.',
    public: true,
    status: 'investigating',
    occurredAt: minutes(-3 * 24 * 60 + 1),
  });
  await fixtures.addEvent({
    incidentId: resolved.id,
    kind: 'public_update',
    body: 'This incident has been resolved.',
    public: true,
    status: 'resolved',
    occurredAt: minutes(-3 * 24 * 60 + 45),
  });

  const privateIncident = await fixtures.declare({
    teamId,
    title: SECRETS.privateTitle,
    visibility: 'private',
    severity: 'SEV1',
    startedAt: minutes(-5),
    affected: [{ componentId: apiComponent.id, status: 'major_outage' }],
  });
  await fixtures.addEvent({
    incidentId: privateIncident.id,
    kind: 'public_update',
    body: SECRETS.privateUpdate,
    public: true,
    status: 'investigating',
    occurredAt: minutes(-4),
  });
  const internalIncident = await fixtures.declare({
    teamId,
    title: SECRETS.internalTitle,
    visibility: 'internal',
    severity: 'SEV1',
    startedAt: minutes(-6),
    affected: [{ componentId: search.id, status: 'major_outage' }],
  });
  await fixtures.addEvent({
    incidentId: internalIncident.id,
    kind: 'public_update',
    body: SECRETS.privateUpdate,
    public: true,
    status: 'investigating',
    occurredAt: minutes(-5),
  });

  const maintenance = await post('/api/v1/status/maintenances', {
    name: `Database upgrade ${SCRIPT}`,
    body: `Checkout may pause for a minute ${SCRIPT}.`,
    components: [checkout.id],
    scheduledFor: minutes(24 * 60).toISOString(),
    scheduledUntil: minutes(24 * 60 + 60).toISOString(),
  });
  return {
    teamId,
    groupId: group.id,
    checkoutId: checkout.id,
    apiComponentId: apiComponent.id,
    searchId: search.id,
    publicIncidentId: open.id,
    resolvedIncidentId: resolved.id,
    privateIncidentId: privateIncident.id,
    internalIncidentId: internalIncident.id,
    maintenanceId: maintenance.id,
  };
}
