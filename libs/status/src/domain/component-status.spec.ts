import { componentStatusForSloState, componentStatusLabel, deriveComponentStatus, groupStatus, type ComponentStatusInputs } from './component-status';

const none: ComponentStatusInputs = { manualStatus: null, incidents: [], maintenances: [], slos: [] };

describe('componentStatusForSloState', () => {
  it('maps a burning page tier to partial_outage and a ticket tier to degraded_performance', () => {
    expect(componentStatusForSloState('critical')).toBe('partial_outage');
    expect(componentStatusForSloState('warning')).toBe('degraded_performance');
  });

  it('never turns not knowing into an outage', () => {
    for (const state of ['ok', 'no_data', 'stale', 'error', null] as const) expect(componentStatusForSloState(state)).toBe('operational');
  });
});

describe('deriveComponentStatus', () => {
  it('is operational with no reasons when nothing contributes', () => {
    expect(deriveComponentStatus(none)).toEqual({ status: 'operational', reasons: [] });
  });

  it('takes the worst source and lists every non-operational reason, worst first', () => {
    const derived = deriveComponentStatus({
      manualStatus: 'degraded_performance',
      incidents: [
        { incidentId: 'i1', title: 'Checkout errors', status: 'partial_outage' },
        { incidentId: 'i2', title: 'Recovered', status: 'operational' },
      ],
      maintenances: [{ maintenanceId: 'm1', name: 'DB upgrade' }],
      slos: [
        { sloId: 's1', state: 'warning' },
        { sloId: 's2', state: 'no_data' },
      ],
    });
    expect(derived.status).toBe('partial_outage');
    expect(derived.reasons).toEqual([
      { source: 'incident', status: 'partial_outage', incidentId: 'i1', incidentTitle: 'Checkout errors' },
      { source: 'manual', status: 'degraded_performance' },
      { source: 'slo', status: 'degraded_performance', sloId: 's1', sloState: 'warning' },
      { source: 'maintenance', status: 'under_maintenance', maintenanceId: 'm1', maintenanceName: 'DB upgrade' },
    ]);
  });

  it('shows under_maintenance when maintenance is the only contribution', () => {
    expect(deriveComponentStatus({ ...none, maintenances: [{ maintenanceId: 'm', name: 'Upgrade' }] }).status).toBe('under_maintenance');
  });

  it('lets a major outage from an incident win over a page-tier SLO burn', () => {
    const derived = deriveComponentStatus({
      ...none,
      incidents: [{ incidentId: 'i', title: 'Down', status: 'major_outage' }],
      slos: [{ sloId: 's', state: 'critical' }],
    });
    expect(derived.status).toBe('major_outage');
    expect(derived.reasons.map((reason) => reason.source)).toEqual(['incident', 'slo']);
  });

  it('treats a manual "operational" as no override: it cannot hide an incident', () => {
    const derived = deriveComponentStatus({
      ...none,
      manualStatus: 'operational',
      incidents: [{ incidentId: 'i', title: 't', status: 'degraded_performance' }],
    });
    expect(derived.status).toBe('degraded_performance');
    expect(derived.reasons).toHaveLength(1);
  });

  it('does not count SLOs without data, stale or failing evaluations', () => {
    const derived = deriveComponentStatus({
      ...none,
      slos: [
        { sloId: 'a', state: 'no_data' },
        { sloId: 'b', state: 'stale' },
        { sloId: 'c', state: 'error' },
        { sloId: 'd', state: null },
      ],
    });
    expect(derived).toEqual({ status: 'operational', reasons: [] });
  });
});

describe('groupStatus and labels', () => {
  it('rolls a group up to its worst component', () => {
    expect(groupStatus(['operational', 'under_maintenance', 'degraded_performance'])).toBe('degraded_performance');
    expect(groupStatus([])).toBe('operational');
  });

  it('labels statuses for people', () => {
    expect(componentStatusLabel('partial_outage')).toBe('Partial outage');
    expect(componentStatusLabel('operational')).toBe('Operational');
  });
});
