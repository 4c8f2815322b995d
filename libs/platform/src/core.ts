// Framework-free entry of @app/platform (no Nest, no prom-client, no pino), for code that runs outside the
// Nest app, such as the status page's snapshot worker thread. Listed by name.

export { isDatabaseUnavailable } from './errors/database-unavailable';
