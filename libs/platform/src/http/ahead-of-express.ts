import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

/** Answers the request and returns true, or returns false to let it continue to Express (and Nest behind it). */
export type AheadOfExpressHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Puts a plain Node request handler in front of Express on a Nest (Express
 * adapter) app's HTTP server: requests it answers skip the routing stack,
 * every other request goes to Express exactly as before. Nest's Express
 * adapter creates the server with the Express app as its only `request`
 * listener; that listener is replaced by one that asks `handler` first
 * (public EventEmitter API only). Call before `app.init()`/`listen()`.
 */
export function installAheadOfExpress(app: INestApplication, handler: AheadOfExpressHandler): void {
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as RequestListener;
  server.removeListener('request', express);
  if (server.listenerCount('request') !== 0) throw new Error("expected Express to be the HTTP server's only request listener");
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!handler(request, response)) express(request, response);
  });
}
