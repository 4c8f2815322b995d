import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Answers the request and returns true, or returns false to let it continue to the app's router. */
export type FastPathHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Puts `handler` in front of the HTTP server's existing request listeners
 * (Express, and Nest behind it): requests it answers skip the routing stack,
 * every other request continues to the listeners exactly as before.
 */
export function installRequestFastPath(server: Server, handler: FastPathHandler): void {
  const downstream = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (handler(request, response)) return;
    for (const listener of downstream) listener.call(server, request, response);
  });
}
