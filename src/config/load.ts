/** Reads a YAML file into a validated Config; a bad file refuses with CONFIG_UNREADABLE or CONFIG_INVALID. */
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { SmppdError } from '../errors.js';
import { plaintextPasswords } from './secrets.js';
import type { Config } from './types.js';

export { redactConfig, redactUrl } from './secrets.js';

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = {}): Promise<Config> {
  return (await loadConfigChecked(file, env)).config;
}

/**
 * The config and what is wrong with it short of invalid: today, plaintext passwords in a file that any
 * user may read (mode & 0o004). Group read is how the service reads it (0640 root:smppd,
 * docs/OPERATIONS.md), so it is no warning. A warning names the fields, never their values.
 */
export async function loadConfigChecked(file: string, env: NodeJS.ProcessEnv = {}): Promise<{ config: Config; warnings: string[] }> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(file, 'utf8');
    mode = (await stat(file)).mode;
  } catch (e) {
    throw new SmppdError('CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new SmppdError('CONFIG_UNREADABLE', `${file}: YAML: ${(e as Error).message}`, { cause: e });
  }
  // Loaded here, not at the top: the commands that only show a Redis URL (send, optout, …) import this
  // file for redactUrl and need not load the schema and zod (about 45 ms of a start).
  const { buildConfig } = await import('./schema.js');
  const config = buildConfig(raw, env);
  const plain = (mode & 0o004) === 0 ? [] : plaintextPasswords(raw);
  const warnings = plain.length === 0 ? [] : [
    `${file} is readable by every user (mode ${(mode & 0o777).toString(8).padStart(4, '0')}) and holds plaintext ` +
    `passwords at ${plain.join(', ')}: use { env: NAME } or { file: PATH } for them, or chmod o-r the file`,
  ];
  return { config, warnings };
}
