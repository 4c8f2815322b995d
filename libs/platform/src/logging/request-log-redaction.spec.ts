import { createServer, request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { loadConfig } from '@app/config';
import { redactUrl, requestLogOptions } from './logging.module';

const TOKEN = 'blst_SECRETsecretSECRETsecretSECRETsecretSECRE1';

describe('request logs redact every token', () => {
  let server: Server;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { level: _level, base: _base, ...options } = requestLogOptions(loadConfig({ LOG_LEVEL: 'info' }), 'spec');
    const logRequest = pinoHttp({ ...options, logger: pino({ level: 'info' }, sink) });
    server = createServer((request, response) => {
      logRequest(request, response);
      (request as unknown as { body: unknown }).body = { token: TOKEN };
      // What POST /dashboard/login answers: the token in the session cookie.
      response.setHeader('Set-Cookie', `ballast_dashboard=${TOKEN}; Path=/dashboard; HttpOnly`);
      response.setHeader('Authorization', `Bearer ${TOKEN}`);
      response.statusCode = 303;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('leaves no token in request headers, cookies, set-cookie, body or query string', async () => {
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/dashboard/login?token=${TOKEN}`,
          headers: { Authorization: `Bearer ${TOKEN}`, Cookie: `ballast_dashboard=${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        },
        (response) => {
          response.resume();
          response.on('end', resolve);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(`token=${TOKEN}`);
    });
    const deadline = Date.now() + 5000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(lines.length).toBeGreaterThan(0);
    const logged = lines.join('\n');
    expect(logged).toContain('[redacted]');
    expect(logged).toContain('/dashboard/login');
    expect(logged).not.toContain('SECRETsecret');
  });

  it('redacts token query parameters and bare Ballast tokens in URLs', () => {
    expect(redactUrl('/x?token=abc&y=1')).toBe('/x?token=[redacted]&y=1');
    expect(redactUrl(`/x/${TOKEN}`)).toBe('/x/[redacted]');
  });
});
