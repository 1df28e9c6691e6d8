/** Maps an error to an exit code and one clear line (with the config path when there is one). */
import { SmppdError } from '../errors.js';
import { Exit } from './io.js';

export function exitFor(e: unknown): { code: number; line: string } {
  if (e instanceof SmppdError) {
    const code = e.code === 'CONFIG_INVALID' || e.code === 'CONFIG_UNREADABLE' ? Exit.CONFIG
      : e.code === 'REDIS_UNAVAILABLE' ? Exit.UNAVAILABLE
      : e.code === 'INSTANCE_IN_USE' ? Exit.IN_USE
      : e.code === 'METRICS_PORT_IN_USE' ? Exit.TEMPFAIL : Exit.FAILURE;
    return { code, line: `smppd: ${e.code}: ${e.message}` };
  }
  return { code: Exit.SOFTWARE, line: `smppd: internal error: ${(e as Error)?.stack ?? String(e)}` };
}
