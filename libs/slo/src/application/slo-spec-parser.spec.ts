import { SloSpecImportError } from '../domain/slo-spec-import';
import { DEFAULT_SPEC_PARSER_OPTIONS, SpecParserPool } from './slo-spec-parser';

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.999
  indicator:
    metadata:
      name: sli
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="checkout",code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="checkout"}
`;

function flatKeys(count: number): string {
  const lines = ['apiVersion: openslo/v1', 'kind: SLO', 'metadata:', '  name: flood', 'spec:'];
  for (let index = 0; index < count; index++) lines.push(`  k${index.toString(36)}: 1`);
  return lines.join('\n');
}

describe('SpecParserPool (worker threads)', () => {
  jest.setTimeout(60_000);
  const pools: SpecParserPool[] = [];
  const pool = (options: Partial<typeof DEFAULT_SPEC_PARSER_OPTIONS> = {}): SpecParserPool => {
    const created = new SpecParserPool({ ...DEFAULT_SPEC_PARSER_OPTIONS, ...options });
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((created) => created.close()));
  });

  it('reads a spec in a worker and answers plain definitions', async () => {
    const parser = pool();
    const specs = await parser.parse(SLO);
    expect(specs.slos).toHaveLength(1);
    expect(specs.slos[0]).toMatchObject({ name: 'availability', service: 'checkout', objective: 0.999, window: '28d' });
    expect(parser.workers).toBe(1);
  });

  it('re-throws the worker’s validation problem as the same SloSpecImportError', async () => {
    const parser = pool();
    const error = await parser.parse('kind: Nonsense\n').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SloSpecImportError);
    expect((error as SloSpecImportError).field).toMatch(/^document 0/);
    expect((error as SloSpecImportError).issues.length).toBeGreaterThan(0);
  });

  it('terminates a worker past the time limit and refuses the text naming yaml', async () => {
    const parser = pool({ timeoutMs: 1 });
    // The limit starts once the worker is up, so it applies to the parse alone.
    const error = await parser.parse(flatKeys(9_000)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'validation', code: 'yaml_too_complex', field: 'yaml' });
  });

  it('queues up to maxQueued imports and refuses more with 429', async () => {
    const parser = pool({ maxWorkers: 1, maxQueued: 1 });
    const first = parser.parse(SLO);
    const second = parser.parse(SLO);
    await expect(parser.parse(SLO)).rejects.toMatchObject({ kind: 'rate_limited' });
    await expect(first).resolves.toMatchObject({ slos: [expect.objectContaining({ name: 'availability' })] });
    await expect(second).resolves.toMatchObject({ slos: [expect.objectContaining({ name: 'availability' })] });
    expect(parser.workers).toBe(1);
  });
});
