import { spawn } from 'node:child_process';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** Extra accepting handles on a server's listening socket; see {@link addAcceptHandles}. */
export interface AcceptHandles {
  /** Extra handles accepting on the server's socket (0 when none could be made). */
  readonly count: number;
  /** Connections accepted through the extra handles so far. */
  readonly accepted: number;
  /** Stops accepting on the extra handles now (the server's own handle closes with `server.close()`). */
  stopAccepting(): void;
  /** Resolves once the extra handles are closed and the connections they accepted have ended. */
  closed(): Promise<void>;
}

/**
 * The child that duplicates the listening socket: it receives the server's
 * native handle (as a file descriptor, never listening or reading on it
 * itself) and sends it back `count` times; each pass over the IPC channel
 * arrives in the parent as a new descriptor of the same socket. It exits
 * when done, when the parent goes away, and after 10 s at the latest.
 */
const DUPLICATOR = `
// Never outlive the parent: a leftover copy of the socket would keep the port bound.
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(3), 10000).unref();
process.on('message', (message, handle) => {
  if (!handle || !message || message.type !== 'duplicate') process.exit(2);
  let left = message.count;
  const next = (error) => {
    if (error || left-- <= 0) { handle.close(); process.disconnect(); return; }
    process.send({ type: 'duplicate' }, handle, next);
  };
  next();
});
`;

/**
 * Node 20's libuv accepts one connection per event-loop turn and listening
 * handle. A server whose loop is busy with hundreds of keep-alive connections
 * therefore takes one turn (milliseconds under load) per new connection: 256
 * visitors arriving at once waited up to ~2 s before their connection was
 * even accepted. (Node 22.12 added `reusePort` for this; Node 20 has nothing.)
 *
 * This gives the server `count` more handles on the very same listening
 * socket — duplicated through a short-lived child process over an IPC
 * channel, the one way Node can duplicate a socket descriptor — so each loop
 * turn accepts up to `count + 1` connections. They are handed to the HTTP
 * server as its own (`'connection'`), with the server's socket options, so
 * keep-alive, timeouts, idle-connection sweeps and draining apply unchanged.
 * Resolves with what it managed (0 extra handles if the child cannot run).
 */
export async function addAcceptHandles(server: HttpServer, count: number, options: { timeoutMs?: number; onError?: (error: Error) => void } = {}): Promise<AcceptHandles> {
  const extras: NetServer[] = [];
  /** Each extra handle's 'close': after close(), once the connections it accepted have ended. */
  const closes: Promise<void>[] = [];
  let accepted = 0;
  let stopped = false;
  const state: AcceptHandles = {
    get count() {
      return extras.length;
    },
    get accepted() {
      return accepted;
    },
    stopAccepting() {
      stopped = true;
      for (const extra of extras) if (extra.listening) extra.close();
    },
    closed() {
      return Promise.all(closes).then(() => undefined);
    },
  };
  const listening = (server as unknown as { _handle?: object | null })._handle;
  if (count <= 0 || !server.listening || !listening) return state;

  const socketOptions = server as unknown as { allowHalfOpen: boolean; noDelay: boolean; keepAlive: boolean; keepAliveInitialDelay: number; highWaterMark?: number };
  const adopt = (handle: object): void => {
    const extra = new NetServer({
      allowHalfOpen: socketOptions.allowHalfOpen,
      noDelay: socketOptions.noDelay,
      keepAlive: socketOptions.keepAlive,
      keepAliveInitialDelay: socketOptions.keepAliveInitialDelay * 1000,
      ...(socketOptions.highWaterMark === undefined ? {} : { highWaterMark: socketOptions.highWaterMark }),
    });
    extra.on('connection', (socket: Socket) => {
      accepted++;
      server.emit('connection', socket);
    });
    extra.on('error', (error: Error) => options.onError?.(error));
    closes.push(new Promise<void>((resolve) => extra.once('close', () => resolve())));
    // `listen(handle)` takes a native TCP handle as it is: no new socket, no bind.
    extra.listen(handle as Parameters<NetServer['listen']>[0]);
    extras.push(extra);
    if (stopped) extra.close();
  };

  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['-e', DUPLICATOR], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { PATH: process.env.PATH ?? '' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 5000);
    timer.unref();
    child.on('message', (_message, handle) => {
      if (handle && extras.length < count) adopt(handle);
    });
    child.once('error', (error) => {
      options.onError?.(error);
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ type: 'duplicate', count }, listening as Parameters<typeof child.send>[1], (error) => {
      if (error) {
        options.onError?.(error);
        child.kill('SIGKILL');
      }
    });
  });
  return state;
}
