/**
 * A job's `meta` as the app wrote it. Events echo meta byte for byte, so it is carried as the app's own
 * text, cut out of the payload, never parsed and serialised again: a round trip turns `[]` into `{}` in
 * Redis's cjson and rounds integers beyond 2^53 and long decimals in both JSON.parse and cjson. No script
 * decodes it either: cjson fails on nesting over 1000 levels, and a script that fails partway keeps what
 * it wrote before the error. Pure.
 */

/** Largest meta, in UTF-8 octets of its JSON text: it is stored with the job and copied into every event. */
export const META_MAX_BYTES = 4096;
/** Deepest nesting of meta (the object itself is level 1). */
export const META_MAX_DEPTH = 16;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s.charCodeAt(i))) i++;
  return i;
}

/** `i` at an opening quote -> the index after the closing one. */
function skipString(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++; // backslash: the next character is escaped
    else if (c === 0x22) return i + 1;
  }
  return i;
}

/** `i` at the first character of a value -> its end and how deep its brackets nest (0 for a scalar). */
function skipValue(s: string, i: number): { end: number; depth: number } {
  const c0 = s.charCodeAt(i);
  if (c0 === 0x22) return { end: skipString(s, i), depth: 0 };
  if (c0 !== 0x7b && c0 !== 0x5b) {
    while (i < s.length && !WS.has(s.charCodeAt(i)) && !',}]'.includes(s[i]!)) i++;
    return { end: i, depth: 0 };
  }
  let depth = 0;
  let max = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x22) { i = skipString(s, i); continue; }
    i++;
    if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) break;
  }
  return { end: i, depth: max };
}

/**
 * The text of the top-level member `name` of `json`, a JSON object text JSON.parse already accepted (so
 * only its structure is followed here, nothing is checked again), with its nesting depth. The last
 * member of that name wins, as in JSON.parse; a name written with escapes (`"\u006deta"`) counts.
 */
export function rawMember(json: string, name: string): { text: string; depth: number } | undefined {
  let i = skipWs(json, 0) + 1; // past '{'
  let found: { text: string; depth: number } | undefined;
  for (;;) {
    i = skipWs(json, i);
    if (i >= json.length || json[i] === '}') return found;
    const keyEnd = skipString(json, i);
    const raw = json.slice(i, keyEnd);
    const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    i = skipWs(json, skipWs(json, keyEnd) + 1); // past ':'
    const v = skipValue(json, i);
    if (key === name) found = { text: json.slice(i, v.end), depth: v.depth };
    i = skipWs(json, v.end);
    if (json[i] === ',') i++;
  }
}

/** Whether a text is over `limit` octets of UTF-8; counted only when its length leaves it in doubt. */
export function utf8Over(s: string, limit: number): boolean {
  return s.length > limit || (s.length * 3 > limit && Buffer.byteLength(s, 'utf8') > limit);
}
