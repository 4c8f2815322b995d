import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for the PagerDuty Events API v2 (`POST /v2/enqueue`): records every event, answers as scripted (then 202). */
export class FakePagerDuty {
  readonly events: Array<Record<string, unknown>> = [];
  readonly script: Array<{ status: number; headers?: Record<string, string> }> = [];
  private server: Server | null = null;
  url = '';

  static async start(): Promise<FakePagerDuty> {
    const fake = new FakePagerDuty();
    fake.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const scripted = fake.script.shift();
        fake.events.push({ ...body, path: request.url, answeredWith: scripted?.status ?? 202 });
        response.writeHead(scripted?.status ?? 202, { 'content-type': 'application/json', ...(scripted?.headers ?? {}) });
        response.end(JSON.stringify(scripted ? { status: 'error' } : { status: 'success', dedup_key: body.dedup_key }));
      });
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server?.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
