/** The benchmark's jobs: a 20-character GSM text and a 70-character Chinese text, alternating. */
import type { Redis } from 'ioredis';

export const TEXTS = {
  gsm20: 'Your code is 123456.', // 20 GSM characters: one part
  zh70: '【示例】您的验证码是123456，五分钟内有效。请勿向任何人泄露验证码，如非本人操作请忽略本短信，谢谢您的支持与配合！客服热线：10086。', // 70 UCS2 units: one part
};

/** JSON payloads for n jobs with distinct China Mobile numbers; `tag` keeps ids unique across runs. */
export function jobPayloads(n: number, tag: string, cls = 'transactional', first = 0): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const k = first + i;
    out[i] = JSON.stringify({ id: `${tag}-${k}`, to: `138${String(k).padStart(8, '0')}`, text: k % 2 === 0 ? TEXTS.gsm20 : TEXTS.zh70, class: cls });
  }
  return out;
}

/** Pipelined XADD, `chunk` entries per round trip. */
export async function pushJobs(redis: Redis, stream: string, payloads: string[], chunk = 2000): Promise<void> {
  for (let i = 0; i < payloads.length; i += chunk) {
    const p = redis.pipeline();
    for (const j of payloads.slice(i, i + chunk)) p.xadd(stream, '*', 'job', j);
    await p.exec();
  }
}

/** Reads the events stream from `from`, counting states; returns the new cursor. */
export async function scanEvents(redis: Redis, stream: string, from: string, onEvent: (json: string) => void): Promise<string> {
  let cursor = from;
  for (;;) {
    const res = await redis.xread('COUNT', 20_000, 'STREAMS', stream, cursor);
    const entries = res?.[0]?.[1] ?? [];
    for (const [id, f] of entries) { cursor = id; onEvent(f[1]!); }
    if (entries.length < 20_000) return cursor;
  }
}
