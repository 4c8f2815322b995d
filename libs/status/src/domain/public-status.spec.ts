import { buildPublicStatus } from './public-status';
import type { ComponentRecord, MaintenanceRecord, PublicIncidentRecord, StatusSource } from './status-source';

const t = (iso: string) => new Date(iso);
const NOW = t('2026-11-24T12:00:30Z');

function component(id: string, extra: Partial<ComponentRecord> = {}): ComponentRecord {
  return {
    id,
    name: id.toUpperCase(),
    description: null,
    position: 1,
    groupId: null,
    onlyShowIfDegraded: false,
    manualStatus: null,
    createdAt: t('2026-11-01T00:00:00Z'),
    updatedAt: t('2026-11-01T00:00:00Z'),
    slos: [],
    ...extra,
  };
}

function incident(extra: Partial<PublicIncidentRecord>): PublicIncidentRecord {
  return {
    id: 'i1',
    title: 'Errors',
    status: 'investigating',
    severity: 'SEV2',
    startedAt: t('2026-11-24T11:00:00Z'),
    createdAt: t('2026-11-24T11:00:00Z'),
    mitigatedAt: null,
    resolvedAt: null,
    affectedComponents: [],
    updates: [],
    componentChanges: [],
    ...extra,
  };
}

function maintenance(extra: Partial<MaintenanceRecord>): MaintenanceRecord {
  return {
    id: 'maint0000001',
    name: 'Upgrade',
    body: 'Short pause',
    status: 'scheduled',
    autoStart: true,
    autoComplete: true,
    scheduledFor: t('2026-11-24T12:00:00Z'),
    scheduledUntil: t('2026-11-24T13:00:00Z'),
    startedAt: null,
    verifyingAt: null,
    completedAt: null,
    createdAt: t('2026-11-20T00:00:00Z'),
    updatedAt: t('2026-11-20T00:00:00Z'),
    componentIds: ['aaaaaaaaaaaa'],
    ...extra,
  };
}

const empty: StatusSource = { groups: [], components: [], incidents: [], maintenances: [], history: [] };

describe('buildPublicStatus', () => {
  it('reports "last updated" to the minute, so a refresh without changes gives an identical model', () => {
    const first = buildPublicStatus(empty, { now: NOW, uptimeDays: 3 });
    const second = buildPublicStatus(empty, { now: t('2026-11-24T12:00:59Z'), uptimeDays: 3 });
    expect(first.generatedAt).toBe('2026-11-24T12:00:00.000Z');
    expect(second).toEqual(first);
    expect(first.overall).toEqual({ indicator: 'none', description: 'All Systems Operational' });
  });

  it('attributes component changes to the public update that follows them, newest update first', () => {
    const model = buildPublicStatus(
      {
        ...empty,
        components: [component('aaaaaaaaaaaa'), component('bbbbbbbbbbbb')],
        incidents: [
          incident({
            affectedComponents: [{ componentId: 'aaaaaaaaaaaa', status: 'major_outage' }],
            componentChanges: [
              { occurredAt: t('2026-11-24T11:01:00Z'), changes: [{ componentId: 'aaaaaaaaaaaa', from: null, to: 'partial_outage' }] },
              {
                occurredAt: t('2026-11-24T11:20:00Z'),
                changes: [
                  { componentId: 'aaaaaaaaaaaa', from: 'partial_outage', to: 'major_outage' },
                  { componentId: 'gone00000000', from: null, to: 'major_outage' },
                ],
              },
            ],
            updates: [
              { id: 'u1', body: 'Looking', status: 'investigating', occurredAt: t('2026-11-24T11:05:00Z'), createdAt: t('2026-11-24T11:05:00Z') },
              { id: 'u2', body: 'Worse', status: 'identified', occurredAt: t('2026-11-24T11:25:00Z'), createdAt: t('2026-11-24T11:25:00Z') },
              { id: 'u3', body: 'Fixing', status: 'identified', occurredAt: t('2026-11-24T11:30:00Z'), createdAt: t('2026-11-24T11:30:00Z') },
            ],
          }),
        ],
      },
      { now: NOW, uptimeDays: 1 },
    );
    const [published] = model.incidents;
    expect(published.impact).toBe('critical');
    expect(published.updatedAt).toBe('2026-11-24T11:30:00.000Z');
    expect(published.updates.map((update) => [update.id, update.affectedComponents])).toEqual([
      ['u3', null],
      ['u2', [{ componentId: 'aaaaaaaaaaaa', oldStatus: 'partial_outage', newStatus: 'major_outage' }]],
      ['u1', [{ componentId: 'aaaaaaaaaaaa', oldStatus: 'operational', newStatus: 'partial_outage' }]],
    ]);
    expect(model.components.find((candidate) => candidate.id === 'aaaaaaaaaaaa')?.status).toBe('major_outage');
    expect(model.overall.indicator).toBe('critical');
  });

  it('announces the components of an incident declared with them on its first update', () => {
    const model = buildPublicStatus(
      {
        ...empty,
        components: [component('aaaaaaaaaaaa')],
        incidents: [
          incident({
            affectedComponents: [{ componentId: 'aaaaaaaaaaaa', status: 'degraded_performance' }],
            updates: [{ id: 'u1', body: 'b', status: 'investigating', occurredAt: t('2026-11-24T11:05:00Z'), createdAt: t('2026-11-24T11:05:00Z') }],
          }),
        ],
      },
      { now: NOW, uptimeDays: 1 },
    );
    expect(model.incidents[0].updates[0].affectedComponents).toEqual([
      { componentId: 'aaaaaaaaaaaa', oldStatus: 'operational', newStatus: 'degraded_performance' },
    ]);
    expect(model.overall).toEqual({ indicator: 'minor', description: 'Minor Service Outage' });
  });

  it('applies due maintenance moves and describes them as Statuspage does', () => {
    const model = buildPublicStatus({ ...empty, components: [component('aaaaaaaaaaaa')], maintenances: [maintenance({})] }, { now: NOW, uptimeDays: 1 });
    const [published] = model.maintenances;
    expect(published.status).toBe('in_progress');
    expect(published.startedAt).toBe('2026-11-24T12:00:00.000Z');
    expect(published.updates.map((update) => update.status)).toEqual(['in_progress', 'scheduled']);
    expect(model.components[0].status).toBe('under_maintenance');
    expect(model.overall).toEqual({ indicator: 'maintenance', description: 'Service Under Maintenance' });

    const done = buildPublicStatus(
      { ...empty, maintenances: [maintenance({ status: 'verifying', startedAt: t('2026-11-24T12:00:00Z'), verifyingAt: t('2026-11-24T12:40:00Z') })] },
      { now: t('2026-11-24T14:00:00Z'), uptimeDays: 1 },
    );
    expect(done.maintenances[0].status).toBe('verifying');
    expect(done.maintenances[0].updates.map((update) => update.status)).toEqual(['verifying', 'in_progress', 'scheduled']);
  });

  it('groups components and rolls the group up to its worst', () => {
    const model = buildPublicStatus(
      {
        ...empty,
        groups: [
          { id: 'gggggggggggg', name: 'Core', description: null, position: 2, createdAt: t('2026-11-01T00:00:00Z'), updatedAt: t('2026-11-01T00:00:00Z') },
        ],
        components: [
          component('aaaaaaaaaaaa', { groupId: 'gggggggggggg', manualStatus: 'degraded_performance', position: 2 }),
          component('bbbbbbbbbbbb', { groupId: 'gggggggggggg', position: 1 }),
        ],
      },
      { now: NOW, uptimeDays: 1 },
    );
    expect(model.groups).toEqual([
      expect.objectContaining({ id: 'gggggggggggg', status: 'degraded_performance', componentIds: ['bbbbbbbbbbbb', 'aaaaaaaaaaaa'] }),
    ]);
  });
});
