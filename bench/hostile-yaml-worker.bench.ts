// `npm run bench -- hostile-yaml-worker`: the event loop while SLO spec YAML is
// read inline (importSloSpecs on the serving thread, as before issue 18 item 7)
// versus through SloSpecParser's worker threads (what POST /api/v1/slos/import
// does now). Part 1: worst event-loop stall per document (1 ms probe timer).
// Part 2: GET /health/live latency on a small node:http server (loopback only)
// while 4 clients import the largest legal document in a bounded loop.
import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SPEC_PARSER_OPTIONS, importSloSpecs, SpecParserPool, YAML_MAX_KEYS } from '@app/slo';

function flatKeys(count: number): string {
  const lines = ['apiVersion: openslo/v1', 'kind: SLO', 'metadata:', '  name: flood', 'spec:'];
  for (let index = 0; index < count; index++) lines.push(`  ${index.toString(36)}: 1`);
  return lines.join('\n');
}

function manySlos(count: number): string {
  const documents: string[] = [];
  for (let index = 0; index < count; index++) {
    documents.push(`apiVersion: openslo/v1
kind: SLO
metadata:
  name: slo-${index}
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

type Mode = 'inline' | 'worker';
const pool = new SpecParserPool(DEFAULT_SPEC_PARSER_OPTIONS);

async function parse(mode: Mode, text: string): Promise<string> {
  try {
    const specs = mode === 'inline' ? importSloSpecs(text) : await pool.parse(text);
    return `accepted (${specs.slos.length} SLOs)`;
  } catch (error) {
    const issues = (error as { issues?: Array<{ message: string }> }).issues;
    return `refused: ${issues?.[0]?.message ?? (error as Error).message}`.slice(0, 70);
  }
}

/** Runs `work` while a 1 ms timer measures the longest gap between its ticks. */
async function worstStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  last = performance.now();
  await work();
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(probe);
  return worst;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function healthUnderImports(mode: Mode, text: string, clients: number, importsPerClient: number): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url === '/health/live') {
      response.end('{"status":"ok"}');
      return;
    }
    void readBody(request).then(async (body) => {
      const outcome = await parse(mode, body);
      response.statusCode = outcome.startsWith('accepted') ? 200 : 400;
      response.end(outcome);
    });
  });
  // A blocked event loop must not also expire keep-alive sockets under the clients (that shows as `fetch failed`).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const latencies: number[] = [];
  let importing = true;
  let failures = 0;
  const importers = Array.from({ length: clients }, async () => {
    for (let run = 0; run < importsPerClient; run++) {
      await fetch(`${base}/import`, { method: 'POST', body: text }).then(
        (response) => response.text(),
        () => failures++,
      );
    }
  });
  const prober = (async () => {
    while (importing) {
      const startedAt = performance.now();
      const ok = await fetch(`${base}/health/live`).then(
        (response) => response.text().then(() => true),
        () => false,
      );
      if (ok) latencies.push(performance.now() - startedAt);
      else failures++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const startedAt = performance.now();
  await Promise.all(importers);
  const elapsed = performance.now() - startedAt;
  importing = false;
  await prober;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${clients} clients × ${importsPerClient} imports in ${(elapsed / 1000).toFixed(1)} s; GET /health/live ×${latencies.length}: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; failed requests ${failures}`;
}

async function main(): Promise<void> {
  const cases: Array<[string, string]> = [
    ['28,000 flat keys (the attack)', flatKeys(28_000)],
    [`${YAML_MAX_KEYS - 10} flat keys (just under the key bound)`, flatKeys(YAML_MAX_KEYS - 10)],
    ['200 OpenSLO documents', manySlos(200)],
  ];
  await pool.parse(flatKeys(10)).catch(() => undefined);
  for (const [name, text] of cases) {
    for (const mode of ['inline', 'worker'] as const) {
      const stalls: number[] = [];
      let outcome = '';
      for (let run = 0; run < 4; run++) {
        stalls.push(await worstStall(async () => (outcome = await parse(mode, text))));
      }
      process.stdout.write(
        `${name} [${mode}]: ${Math.round(text.length / 1024)} KB, worst event-loop stall ${Math.max(...stalls).toFixed(1)} ms (best run ${Math.min(...stalls).toFixed(1)} ms); ${outcome}\n`,
      );
    }
  }
  const big = flatKeys(YAML_MAX_KEYS - 10);
  for (const mode of ['inline', 'worker'] as const) {
    process.stdout.write(`health during imports [${mode}]: ${await healthUnderImports(mode, big, 4, 3)}\n`);
  }
  await pool.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
