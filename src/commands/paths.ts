/** Where the packaged files are, from both src/ (dev, tests) and dist/src/ (built). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  let dir = new URL('../../', import.meta.url);
  if (!existsSync(new URL('package.json', dir))) dir = new URL('../../../', import.meta.url);
  return fileURLToPath(dir);
}

export const PACKAGE_ROOT = packageRoot();
export const DEFAULT_CONFIG = `${PACKAGE_ROOT}config/default.yaml`;
