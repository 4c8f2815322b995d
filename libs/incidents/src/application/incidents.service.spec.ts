import type { Principal } from '@app/catalog';
import { ConflictError, ValidationFailedError } from '@app/platform';
import { InvalidClockError } from '../domain/incident-errors';
import type { TimelineAuthor } from '../domain/timeline-event';
import { INCIDENT_CHANGED, INCIDENT_DECLARED } from './incident-events';
import type { DeclareIncidentInput } from './incident-inputs';
import { ForbiddenReferenceError } from './reference-errors';
import { newTestService } from './testing/new-test-service';

const alice: TimelineAuthor = { kind: 'slack_user', slackUserId: 'U0ALICE', name: 'alice' };
const slo: TimelineAuthor = { kind: 'system', component: 'slo' };
const minutes = (count: number) => count * 60_000;

function setup() {
  const context = newTestService();
  const payments = context.repository.addTeam('payments');
  context.repository.addTeam('identity');
  context.repository.addService('checkout', payments);
  context.repository.addType('deploy');
  const declare = (input: Partial<DeclareIncidentInput> = {}, author: TimelineAuthor = alice) =>
    context.sut.declareIncident({ title: 'Checkout errors', severity: 'SEV2', team: 'payments', type: 'deploy', source: 'api', ...input }, author);
  const kinds = (incidentId: string) => context.repository.eventsOf(incidentId).map((event) => event.kind);
  return { ...context, payments, declare, kinds };
}

describe('IncidentsService (lifecycle), without a database', () => {
  it('answers a second declaration under an open dedup key with the first incident; once resolved, the key opens a new one', async () => {
    const { sut, declare, events, clock, kinds } = setup();
    const first = await declare({ dedupKey: 'slo:1', source: 'slo' }, slo);
    const again = await declare({ dedupKey: 'slo:1', source: 'slo', title: 'Other words' }, slo);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, incident: { id: first.incident.id, title: 'Checkout errors' } });
    expect(kinds(first.incident.id)).toEqual(['declared']);
    expect(events.emit.mock.calls.filter(([name]) => name === INCIDENT_DECLARED)).toHaveLength(1);

    clock.advance(minutes(30));
    await sut.updateIncident(first.incident.id, { status: 'resolved' }, alice);
    const next = await declare({ dedupKey: 'slo:1', source: 'slo' }, slo);
    expect(next.created).toBe(true);
    expect(next.incident.id).not.toBe(first.incident.id);
    expect(next.incident.number).toBe(first.incident.number + 1);
  });

  it('answers a concurrent twin that won the race on the idempotency key with that twin, not an error', async () => {
    const { repository, declare } = setup();
    const winner = await declare({ idempotencyKey: 'slack:view:V1' });
    // The loser looked before the winner committed: its own lookup found nothing, its insert hits the unique index.
    jest.spyOn(repository, 'findByIdempotencyKey').mockResolvedValueOnce(null);
    const loser = await declare({ idempotencyKey: 'slack:view:V1', title: 'Double click' });
    expect(loser).toMatchObject({ created: false, incident: { id: winner.incident.id, title: 'Checkout errors' } });
    expect(repository.tables.incidents).toHaveLength(1);
  });

  it('keeps real times in order and writes nothing when they are not', async () => {
    const { sut, declare, clock, repository, kinds } = setup();
    const { incident } = await declare({ startedAt: new Date('2026-12-06T09:00:00Z') });
    clock.advance(minutes(60));
    const before = repository.tables.incidents[0];
    await expect(sut.updateIncident(incident.id, { status: 'resolved', resolvedAt: new Date('2026-12-06T08:30:00Z') }, alice)).rejects.toBeInstanceOf(
      InvalidClockError,
    );
    await expect(sut.updateIncident(incident.id, { detectedAt: new Date('2026-12-06T12:00:00Z') }, alice)).rejects.toMatchObject({
      field: 'detectedAt',
    });
    expect(repository.tables.incidents[0]).toEqual(before);
    expect(kinds(incident.id)).toEqual(['declared']);

    const resolved = await sut.updateIncident(incident.id, { status: 'resolved', resolvedAt: new Date('2026-12-06T10:30:00Z') }, alice);
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: new Date('2026-12-06T10:30:00Z') });
    expect(resolved.mitigatedAt!.getTime()).toBeLessThanOrEqual(resolved.resolvedAt!.getTime());
  });

  it('refuses to reopen an incident whose dedup key a newer open incident holds: 409 naming it, the text handed back, nothing written', async () => {
    const { sut, declare, clock, repository, kinds } = setup();
    const old = await declare({ dedupKey: 'alert:g1', source: 'alertmanager' }, slo);
    clock.advance(minutes(5));
    await sut.updateIncident(old.incident.id, { status: 'resolved' }, alice);
    clock.advance(minutes(5));
    const current = await declare({ dedupKey: 'alert:g1', source: 'alertmanager' }, slo);
    const eventsBefore = kinds(old.incident.id);

    const error = await sut.postUpdate(old.incident.id, { body: 'It is back', public: false, status: 'investigating' }, alice).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      code: 'reopen_conflict',
      field: 'status',
      details: { openIncident: { id: current.incident.id, reference: `INC-${current.incident.number}` }, unsavedText: 'It is back' },
    });
    expect(repository.tables.incidents.find((row) => row.id === old.incident.id)).toMatchObject({ status: 'resolved' });
    expect(kinds(old.incident.id)).toEqual(eventsBefore);
  });

  it('publishes the summary of a public incident as its first public update, once; internal and private ones say nothing publicly', async () => {
    const { sut, declare, repository } = setup();
    const open = await declare({ visibility: 'public', summary: 'Payments fail for some cards' });
    const publicUpdates = (id: string) => repository.eventsOf(id).filter((event) => event.kind === 'public_update' && event.public);
    expect(publicUpdates(open.incident.id).map((event) => event.body)).toEqual(['Payments fail for some cards']);

    const quiet = await declare({ visibility: 'private', summary: 'Card data exposure suspected' });
    expect(publicUpdates(quiet.incident.id)).toEqual([]);
    await sut.updateIncident(quiet.incident.id, { visibility: 'public' }, alice);
    await sut.updateIncident(quiet.incident.id, { visibility: 'internal' }, alice);
    await sut.updateIncident(quiet.incident.id, { visibility: 'public' }, alice);
    expect(publicUpdates(quiet.incident.id).map((event) => event.body)).toEqual(['Card data exposure suspected']);
  });

  it('stores history without announcing it: announce false reaches listeners, and nobody acknowledged it', async () => {
    const { declare, events } = setup();
    const { incident } = await declare({ announce: false, status: 'resolved', startedAt: new Date('2026-12-01T10:00:00Z') });
    expect(incident).toMatchObject({ announce: false, acknowledgedAt: null, acknowledgedVia: null, status: 'resolved' });
    expect(events.emit).toHaveBeenCalledWith(INCIDENT_DECLARED, expect.objectContaining({ announce: false }));
  });

  it('checks what a team token names before writing: 403 naming the field, and 400 for an unknown type', async () => {
    const { declare, ownership, repository } = setup();
    const identityToken: Principal = { kind: 'team', tokenId: 't1', teamId: 'identity-id', teamSlug: 'identity' };
    ownership.assertOwnsTeams.mockRejectedValueOnce(new ForbiddenReferenceError('team', "team 'payments' belongs to another team"));
    await expect(declare({ principal: identityToken })).rejects.toMatchObject({ code: 'forbidden_reference', field: 'team' });
    expect(ownership.assertOwnsTeams).toHaveBeenCalledWith(identityToken, ['payments'], 'team');

    await expect(declare({ type: 'meteor' })).rejects.toEqual(expect.objectContaining({ field: 'type', code: 'unknown_incident_type' }));
    await expect(declare({ services: ['checkout', 'ledger'] })).rejects.toBeInstanceOf(ValidationFailedError);
    expect(repository.tables.incidents).toEqual([]);
  });

  it('records an external event once per source reference, and tells listeners only the first time', async () => {
    const { sut, declare, events, kinds } = setup();
    const { incident } = await declare();
    events.emit.mockClear();
    const payload = { channelId: 'C1', messageTs: '1.0', text: 'rollback started', permalink: null, messageAuthor: 'U0BOB', pinnedBy: 'U0ALICE' };
    expect(await sut.recordEvent(incident.id, 'slack_pin', payload, alice, { sourceRef: 'pin:1.0' })).toBe(true);
    expect(await sut.recordEvent(incident.id, 'slack_pin', payload, alice, { sourceRef: 'pin:1.0' })).toBe(false);
    expect(kinds(incident.id)).toEqual(['declared', 'slack_pin']);
    expect(events.emit).toHaveBeenCalledTimes(1);
    expect(events.emit).toHaveBeenCalledWith(INCIDENT_CHANGED, expect.objectContaining({ kinds: ['slack_pin'] }));
  });
});
