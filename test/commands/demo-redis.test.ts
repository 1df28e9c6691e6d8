import t from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoStateDir, ensureDemoRedis } from '../../src/commands/demo-redis.js';

t.test("the demo's data goes to $XDG_STATE_HOME/smppd-demo, else ~/.local/state/smppd-demo", async (t) => {
  t.equal(demoStateDir({ XDG_STATE_HOME: '/var/lib/me/state', HOME: '/home/me' }), '/var/lib/me/state/smppd-demo');
  t.equal(demoStateDir({ HOME: '/home/me' }), '/home/me/.local/state/smppd-demo');
  t.equal(demoStateDir({ XDG_STATE_HOME: 'relative/state', HOME: '/home/me' }), '/home/me/.local/state/smppd-demo', 'a relative XDG path is ignored, as the spec says');
});

t.test('a state directory that cannot be made falls back to a temp dir instead of failing the demo', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smppd-demo-redis-'));
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, '');
  const lines: string[] = [];
  const redis = await ensureDemoRedis({ REDIS_URL: 'redis://127.0.0.1:1' }, join(file, 'smppd-demo'), (l) => lines.push(l));
  t.teardown(async () => { await redis.stop(); rmSync(dir, { recursive: true, force: true }); });
  t.ok(redis.private, 'no Redis at port 1: it started its own');
  const moved = /cannot create .*not-a-dir\/smppd-demo\/redis \(ENOTDIR\): using (\S+)/.exec(lines.join('\n'));
  t.ok(moved, lines.join('\n'));
  t.ok(moved && existsSync(moved[1]!) && moved[1]!.startsWith(tmpdir()), 'the temp dir exists');
  t.match(lines.join('\n'), `data in ${moved?.[1]}`);
  const c = new Redis(redis.url);
  t.equal(await c.ping(), 'PONG', 'and it answers');
  c.disconnect();
  t.teardown(() => { if (moved) rmSync(moved[1]!, { recursive: true, force: true }); });
});
