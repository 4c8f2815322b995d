import type { DataSource } from 'typeorm';
import type { DeclareIncidentInput, IncidentsService } from '@app/incidents';
import type { SloEvaluatedEvent, SloStatus } from '@app/slo';
import { BreachIncidentListener } from './breach-incident.listener';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const HOUR = 3_600_000;

/** Hourly stretches for the last `hours`, 5% errors when `missed(hoursAgo)`, else 0.1%. */
function stretches(hours: number, missed: (hoursAgo: number) => boolean) {
  return Array.from({ length: hours }, (_, index) => ({ start: new Date(NOW - (index + 1) * HOUR), bad: missed(index + 1) ? 600 : 12, total: 12_000 }));
}

function listenerWith(rows: ReturnType<typeof stretches>) {
  const declared: DeclareIncidentInput[] = [];
  const dataSource = { query: async () => rows } as unknown as DataSource;
  const incidents = {
    declareIncident: async (input: DeclareIncidentInput) => {
      declared.push(input);
      return { incident: { id: 'inc-1', title: input.title }, created: true };
    },
  } as unknown as IncidentsService;
  return { listener: new BreachIncidentListener(dataSource, incidents), declared };
}

function event(policy: object, state: SloStatus['state'] = 'critical'): SloEvaluatedEvent {
  return {
    slo: {
      id: '3f5d0c1e-0000-4000-8000-000000000001',
      name: 'search-availability',
      objective: 0.99,
      window: '28d',
      policy: { openIncident: false, severity: 'SEV2', ...policy },
      service: { id: 'svc', slug: 'search-api', name: 'Search API' },
      team: { id: 'team', slug: 'search' },
    },
    previousStatus: null,
    status: { state, evaluatedAt: new Date(NOW + 90_000).toISOString() } as SloStatus,
  };
}

describe('BreachIncidentListener', () => {
  it('opens one incident for a 50-hour breach, keyed by SLO and breach start, naming how long', async () => {
    const { listener, declared } = listenerWith(stretches(72, (hoursAgo) => hoursAgo <= 50));
    await listener.apply(event({ breachIncident: { window: '1h', afterHours: 48 } }));
    expect(declared).toEqual([
      expect.objectContaining({
        title: 'SLO search-availability has missed its objective for 50 hours',
        source: 'slo',
        severity: 'SEV2',
        team: 'search',
        services: ['search-api'],
        startedAt: new Date(NOW - 50 * HOUR),
        dedupKey: `slo-breach:3f5d0c1e-0000-4000-8000-000000000001:${new Date(NOW - 50 * HOUR).toISOString()}`,
        idempotencyKey: `slo-breach:3f5d0c1e-0000-4000-8000-000000000001:${new Date(NOW - 50 * HOUR).toISOString()}`,
      }),
    ]);
    expect(declared[0].summary).toContain('2d 2h (50 hours)');
  });

  it.each([
    ['a breach shorter than afterHours', stretches(72, (hoursAgo) => hoursAgo <= 47), { breachIncident: { window: '1h', afterHours: 48 } }, 'critical'],
    [
      'an hour that met the objective in the middle',
      stretches(72, (hoursAgo) => hoursAgo !== 20),
      { breachIncident: { window: '1h', afterHours: 48 } },
      'critical',
    ],
    ['no breachIncident policy', stretches(72, () => true), {}, 'critical'],
    ['a failed evaluation (Prometheus down)', stretches(72, () => true), { breachIncident: { window: '1h', afterHours: 48 } }, 'error'],
  ] as const)('opens nothing for %s', async (_label, rows, policy, state) => {
    const { listener, declared } = listenerWith([...rows]);
    expect(await listener.apply(event(policy, state))).toBeNull();
    expect(declared).toEqual([]);
  });
});
