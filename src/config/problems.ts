/**
 * How the schema's findings are told: each as `path: what is wrong` (`carriers[1].port: must be between
 * 1 and 65535, got 0`), all of them in one CONFIG_INVALID. zod's own words are mapped here, in one place,
 * so that the messages stay what docs/CONFIG.md and the operators' scripts know.
 */
import type * as z from 'zod';
import { SmppdError } from '../errors.js';

type Path = readonly PropertyKey[];

/** `carriers[0].channels[1].port`: the dotted path of a field, as the messages and docs/CONFIG.md write it. */
function pathText(path: Path): string {
  return path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), '');
}

/** zod's words for a finding a field builder (fields.ts) does not word itself. */
export const wording: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'is required';
    if (iss.expected === 'object') return 'must be a mapping';
    if (iss.expected === 'array') return 'must be a list';
    if (iss.expected === 'string') return `must be a string, got ${typeof iss.input}`;
  }
  if (iss.code === 'unrecognized_keys') {
    const shape = (iss.inst as { shape?: object } | undefined)?.shape ?? {};
    return `unknown field (known: ${Object.keys(shape).join(', ')})`;
  }
  return undefined;
};

interface Problem { path: string; text: string }

/**
 * One problem per unknown key (an issue names them together); the typos first, outermost first, as they
 * may explain the rest.
 */
function problems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  const add = (path: Path, message: string): void => {
    const p = pathText(path) || '(root)';
    // A carrier-level default is checked for each channel that inherits it: one problem, said once.
    if (!out.some((o) => o.path === p && o.text.endsWith(message))) out.push({ path: p, text: `${p}: ${message}` });
  };
  const unknown = issues.filter((i) => i.code === 'unrecognized_keys').sort((a, b) => a.path.length - b.path.length);
  for (const i of unknown) for (const k of i.keys) add([...i.path, k], i.message);
  for (const i of issues) if (i.code !== 'unrecognized_keys') add(i.path, i.message);
  return out;
}

/** One CONFIG_INVALID naming every problem, separated by `; `; its `path` is the first's. */
export function configInvalid(issues: readonly z.core.$ZodIssue[]): SmppdError {
  const list = problems(issues);
  return new SmppdError('CONFIG_INVALID', list.map((p) => p.text).join('; '), { path: list[0]!.path });
}
