import {
  componentStatusForSloState,
  componentStatusLabel,
  deriveComponentStatus,
  groupStatus,
  manualStatusInForce,
  type ComponentStatusInputs,
} from './component-status';

const none: ComponentStatusInputs = { manualStatus: null, incidents: [], maintenances: [], slos: [] };

describe('componentStatusForSloState', () => {
  it('moves a component on the page tier only by default: a burning page tier is a partial_outage, a ticket tier nothing', () => {
    expect(componentStatusForSloState('critical')).toBe('partial_outage');
    expect(componentStatusForSloState('warning')).toBe('operational');
    expect(componentStatusForSloState('warning', 'page')).toBe('operational');
  });

  it('moves it on the ticket tier too when the policy says ticket', () => {
    expect(componentStatusForSloState('warning', 'ticket')).toBe('degraded_performance');
    expect(componentStatusForSloState('critical', 'ticket')).toBe('partial_outage');
    expect(componentStatusForSloState('ok', 'ticket')).toBe('operational');
  });

  it('never turns not knowing into an outage', () => {
    for (const tier of ['page', 'ticket'] as const) {
      for (const state of ['ok', 'no_data', 'stale', 'error', null] as const) expect(componentStatusForSloState(state, tier)).toBe('operational');
    }
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
      slos: [],
    });
    expect(derived.status).toBe('partial_outage');
    expect(derived.reasons).toEqual([
      { source: 'incident', status: 'partial_outage', incidentId: 'i1', incidentTitle: 'Checkout errors' },
      { source: 'manual', status: 'degraded_performance' },
      { source: 'maintenance', status: 'under_maintenance', maintenanceId: 'm1', maintenanceName: 'DB upgrade' },
    ]);
  });

  it('lists SLO reasons among the others when no person has set a status', () => {
    const derived = deriveComponentStatus({
      ...none,
      maintenances: [{ maintenanceId: 'm1', name: 'DB upgrade' }],
      slos: [
        { sloId: 's1', state: 'warning', statusOn: 'ticket' },
        { sloId: 's2', state: 'no_data', statusOn: 'ticket' },
        { sloId: 's3', state: 'warning' },
      ],
    });
    expect(derived.status).toBe('degraded_performance');
    expect(derived.reasons).toEqual([
      { source: 'slo', status: 'degraded_performance', sloId: 's1', sloState: 'warning' },
      { source: 'maintenance', status: 'under_maintenance', maintenanceId: 'm1', maintenanceName: 'DB upgrade' },
    ]);
    expect(derived.overridden).toBeUndefined();
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

  it('a manual "operational" cannot hide an incident or a maintenance', () => {
    const derived = deriveComponentStatus({
      ...none,
      manualStatus: 'operational',
      incidents: [{ incidentId: 'i', title: 't', status: 'degraded_performance' }],
    });
    expect(derived.status).toBe('degraded_performance');
    expect(derived.reasons).toHaveLength(1);
    expect(deriveComponentStatus({ ...none, manualStatus: 'operational', maintenances: [{ maintenanceId: 'm', name: 'Upgrade' }] }).status).toBe(
      'under_maintenance',
    );
  });

  it('a manual "operational" lowers what a burning SLO implies; the SLO is listed as overridden', () => {
    const derived = deriveComponentStatus({
      ...none,
      manualStatus: 'operational',
      slos: [
        { sloId: 's', state: 'critical' },
        { sloId: 't', state: 'warning', statusOn: 'ticket' },
      ],
    });
    expect(derived.status).toBe('operational');
    expect(derived.reasons).toEqual([]);
    expect(derived.overridden).toEqual([
      { source: 'slo', status: 'partial_outage', sloId: 's', sloState: 'critical' },
      { source: 'slo', status: 'degraded_performance', sloId: 't', sloState: 'warning' },
    ]);
  });

  it('a manual status better than the SLO wins; one worse than the SLO wins too', () => {
    expect(deriveComponentStatus({ ...none, manualStatus: 'degraded_performance', slos: [{ sloId: 's', state: 'critical' }] }).status).toBe(
      'degraded_performance',
    );
    expect(deriveComponentStatus({ ...none, manualStatus: 'major_outage', slos: [{ sloId: 's', state: 'critical' }] }).status).toBe('major_outage');
  });

  it('a manual status worse than an incident still shows the worse of the two', () => {
    const derived = deriveComponentStatus({
      ...none,
      manualStatus: 'degraded_performance',
      incidents: [{ incidentId: 'i', title: 't', status: 'major_outage' }],
    });
    expect(derived.status).toBe('major_outage');
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

describe('manualStatusInForce', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('keeps an override without an end, or whose end is ahead', () => {
    expect(manualStatusInForce('operational', null, now)).toBe('operational');
    expect(manualStatusInForce('major_outage', new Date('2026-12-06T12:00:01Z'), now)).toBe('major_outage');
  });

  it('drops it from its end on', () => {
    expect(manualStatusInForce('operational', new Date('2026-12-06T12:00:00Z'), now)).toBeNull();
    expect(manualStatusInForce('major_outage', new Date('2026-12-01T00:00:00Z'), now)).toBeNull();
    expect(manualStatusInForce(null, null, now)).toBeNull();
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
