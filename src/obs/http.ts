/**
 * /metrics (Prometheus text), /healthz (the event loop answers) and /readyz (Redis reachable and
 * answering, the carriers bound, as `ready()` decides). Bound to 127.0.0.1 by default: metrics are not for the world.
 */
import { createServer, type Server } from 'node:http';
import { SmppdError } from '../errors.js';
import type { Metrics } from './metrics.js';

export interface Readiness { ready: boolean; checks: Record<string, boolean | string> }

export class ObsServer {
  private server: Server | undefined;
  port = 0;
  constructor(private metrics: Metrics, private ready: () => Readiness) {}

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (url === '/metrics') {
        this.metrics.registry.metrics().then((body) => {
          res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
          res.end(body);
        }, (e: Error) => { res.writeHead(500); res.end(e.message); });
      } else if (url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}\n');
      } else if (url === '/readyz') {
        const r = this.ready();
        res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(r)}\n`);
      } else {
        res.writeHead(404); res.end();
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.server = undefined;
        reject(e.code === 'EADDRINUSE'
          ? new SmppdError('METRICS_PORT_IN_USE', `metrics.port: ${host}:${port} is taken by another process (another smppd?): stop it or set metrics.port`, { path: 'metrics.port', cause: e })
          : e);
      });
      server.listen(port, host, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((res) => s.close(() => res()));
  }
}
