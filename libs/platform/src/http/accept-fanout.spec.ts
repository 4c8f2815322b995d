import { createServer, get, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { addAcceptHandles } from './accept-fanout';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Blocks this thread (and so the server's event loop) for `ms`: connections pile up in the accept queue meanwhile. */
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/** `count` raw keep-alive connections, each sending one GET; resolves with each response's status line and the socket. */
function burst(port: number, count: number): Promise<Array<{ statusLine: string; socket: Socket }>> {
  const sockets: Socket[] = [];
  // connect() is issued synchronously for each; the handshakes complete in the kernel while the loop is blocked.
  for (let index = 0; index < count; index++) sockets.push(connect({ host: '127.0.0.1', port }));
  const answers = sockets.map(
    (socket) =>
      new Promise<{ statusLine: string; socket: Socket }>((resolve, reject) => {
        socket.once('connect', () => socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n'));
        socket.once('data', (chunk: Buffer) => resolve({ statusLine: chunk.toString('latin1').split('\r\n')[0], socket }));
        socket.once('error', reject);
      }),
  );
  blockLoop(150);
  return Promise.all(answers);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      resolve(false);
    });
    request.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('addAcceptHandles', () => {
  let server: Server;
  let sockets: Socket[] = [];

  beforeEach(() => {
    sockets = [];
    server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('ok');
    });
  });

  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('adds the requested handles on the same socket, and connections they accept are served by the HTTP server', async () => {
    const port = await listen(server);
    const handles = await addAcceptHandles(server, 4);
    expect(handles.count).toBe(4);

    const answers = await burst(port, 40);
    sockets = answers.map((answer) => answer.socket);
    expect(answers.map((answer) => answer.statusLine)).toEqual(Array(40).fill('HTTP/1.1 200 OK'));
    // 40 queued connections, 5 handles each taking one per loop turn: most go through the duplicates.
    expect(handles.accepted).toBeGreaterThan(0);
    expect(handles.accepted).toBeLessThan(40);
    // The HTTP server owns them: its idle sweep closes them like its own.
    const closedCount = await new Promise<number>((resolve) => {
      let closed = 0;
      for (const socket of sockets) socket.once('close', () => ++closed === sockets.length && resolve(closed));
      server.closeIdleConnections();
    });
    expect(closedCount).toBe(40);
    handles.stopAccepting();
  });

  it('without duplicates one handle accepts everything', async () => {
    const port = await listen(server);
    const handles = await addAcceptHandles(server, 0);
    expect(handles.count).toBe(0);
    const answers = await burst(port, 10);
    sockets = answers.map((answer) => answer.socket);
    expect(answers.every((answer) => answer.statusLine === 'HTTP/1.1 200 OK')).toBe(true);
    expect(handles.accepted).toBe(0);
  });

  it('stops accepting on every handle: after stopAccepting and server.close() new connections are refused', async () => {
    const port = await listen(server);
    const handles = await addAcceptHandles(server, 8);
    expect(handles.count).toBe(8);
    handles.stopAccepting();
    server.close();
    // Were any duplicate left listening, the kernel would still complete the connection.
    for (let attempt = 0; attempt < 5; attempt++) expect(await refused(port)).toBe(true);
    await handles.closed();
  });

  it('closed() waits for the connections the duplicates accepted', async () => {
    const port = await listen(server);
    const handles = await addAcceptHandles(server, 4);
    const answers = await burst(port, 20);
    sockets = answers.map((answer) => answer.socket);
    expect(handles.accepted).toBeGreaterThan(0);
    handles.stopAccepting();
    let done = false;
    const closed = handles.closed().then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false); // keep-alive connections are still open
    server.closeAllConnections();
    await closed;
    expect(done).toBe(true);
  });

  it('goes on with the server’s own handle when the duplicating child cannot start, and says why', async () => {
    const port = await listen(server);
    const errors: Error[] = [];
    const execPath = process.execPath;
    process.execPath = '/nonexistent/node';
    let handles: Awaited<ReturnType<typeof addAcceptHandles>>;
    try {
      handles = await addAcceptHandles(server, 4, { onError: (error) => errors.push(error) });
    } finally {
      process.execPath = execPath;
    }
    expect(handles.count).toBe(0);
    expect(errors.map((error) => (error as NodeJS.ErrnoException).code)).toContain('ENOENT');
    const answers = await burst(port, 10);
    sockets = answers.map((answer) => answer.socket);
    expect(answers.map((answer) => answer.statusLine)).toEqual(Array(10).fill('HTTP/1.1 200 OK'));
    expect(handles.accepted).toBe(0);
  });

  it('keeps what it got when the child is killed before it has sent every duplicate, and serves on', async () => {
    const port = await listen(server);
    // Killed 1 ms after it starts: long before it can answer (Node takes tens of ms to start).
    const handles = await addAcceptHandles(server, 4, { timeoutMs: 1 });
    expect(handles.count).toBe(0);
    const answers = await burst(port, 10);
    sockets = answers.map((answer) => answer.socket);
    expect(answers.map((answer) => answer.statusLine)).toEqual(Array(10).fill('HTTP/1.1 200 OK'));
    handles.stopAccepting();
    server.close();
    expect(await refused(port)).toBe(true);
    await handles.closed();
  });

  it('does nothing for a server that is not listening', async () => {
    const handles = await addAcceptHandles(server, 4);
    expect(handles.count).toBe(0);
    await handles.closed();
  });
});
