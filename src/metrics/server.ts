// The metrics endpoint of a process (the bot or a grading worker): GET /healthz and GET /metrics on
// a plain node:http server. Two routes need no framework.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { OperatorError } from '../operator-error.ts';
import type { HealthCheck } from './health.ts';

export type MetricsServerOptions = {
  registry: Registry;
  health: HealthCheck;
  /** 0 picks a free port (tests); the bound one is `MetricsServer.port`. */
  port: number;
  host: string;
  logger?: Logger;
};

export type MetricsServer = {
  /** The port the server listens on. */
  readonly port: number;
  /** Stops listening and ends open connections (a scraper's keep-alive would hold a stop). */
  close(): Promise<void>;
};

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const logger = options.logger ?? silentLogger;
  const server = createServer((request, response) => {
    void respond(request, response, options).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'metrics request failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'error\n');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const refused = (error: Error) =>
      reject(new OperatorError(`Could not serve metrics on ${options.host}:${options.port}: ${error.message}. Set METRICS_PORT to a free port, or unset it.`, { cause: error }));
    server.once('error', refused);
    server.listen(options.port, options.host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ host: options.host, port }, 'metrics and health served');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, options: MetricsServerOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path !== '/healthz' && path !== '/metrics') return send(response, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  if (path === '/healthz') {
    const health = await options.health();
    return send(response, health.ok ? 200 : 503, 'text/plain; charset=utf-8', health.ok ? 'ok\n' : `${health.reason}\n`);
  }
  send(response, 200, options.registry.contentType, await options.registry.metrics());
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
