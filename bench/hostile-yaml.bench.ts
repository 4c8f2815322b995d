// `npm run bench -- hostile-yaml`: event-loop time of POST /api/v1/slos/import's
// parsing (importOpenSlo, synchronous on the event loop) for hostile and
// largest-accepted documents. Issue 18's target: no document the body limit
// allows costs more than 100 ms. Best and worst of 7 runs each, after a warm-up.
import { importOpenSlo, YAML_MAX_KEYS } from '@app/slo';

function flatKeys(count: number): string {
  const lines = ['apiVersion: openslo/v1', 'kind: SLO', 'metadata:', '  name: flood', 'spec:'];
  for (let index = 0; index < count; index++) lines.push(`  ${index.toString(36)}: 1`);
  return lines.join('\n');
}

function manySlos(keysWanted: number): string {
  const documents: string[] = [];
  for (let index = 0; documents.join('\n---\n').split(': ').length < keysWanted - 30 && index < 200; index++) {
    documents.push(`apiVersion: openslo/v1
kind: SLO
metadata:
  name: slo-${index}
  displayName: SLO ${index}
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
      name: sli-${index}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="checkout",code!~"5..",n="${index}"}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="checkout",n="${index}"}`);
  }
  return documents.join('\n---\n');
}

function aliasBomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let level = 1; level < 9; level++)
    lines.push(
      `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + level)}`)
        .join(',')}]`,
    );
  return lines.join('\n');
}

const cases: Array<[string, string]> = [
  ['28,000 flat keys (the attack)', flatKeys(28_000)],
  [`${YAML_MAX_KEYS - 10} flat keys (just under the key bound)`, flatKeys(YAML_MAX_KEYS - 10)],
  ['200 OpenSLO documents (largest real file accepted)', manySlos(YAML_MAX_KEYS)],
  ['alias bomb', aliasBomb()],
];

for (const [name, text] of cases) {
  const times: number[] = [];
  let outcome = '';
  for (let run = 0; run < 8; run++) {
    const startedAt = performance.now();
    try {
      outcome = `accepted (${importOpenSlo(text).length} SLOs)`;
    } catch (error) {
      outcome = `refused: ${(error as { issues?: Array<{ message: string }> }).issues?.[0]?.message ?? String(error)}`.slice(0, 90);
    }
    if (run > 0) times.push(performance.now() - startedAt);
  }
  process.stdout.write(
    `${name}: ${Math.round(text.length / 1024)} KB, best ${Math.min(...times).toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms; ${outcome}\n`,
  );
}
