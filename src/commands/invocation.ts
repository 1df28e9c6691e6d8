/** How smppd was started, so a printed hint is a command the user can paste as it stands. */
import { sep } from 'node:path';

/**
 * `smppd` when run through an installed bin (npm install -g, npx: a link with no .js) or from a package
 * inside node_modules; `node dist/src/main.js` (or the tsx form, for src/main.ts) only from a checkout,
 * where README's commands run from the checkout's root.
 */
export function commandName(script: string | undefined, packageRoot: string): string {
  if (script === undefined || !/\.[cm]?[jt]s$/.test(script)) return 'smppd';
  if (packageRoot.split(sep).includes('node_modules')) return 'smppd';
  return script.endsWith('.ts') ? 'npx tsx src/main.ts' : 'node dist/src/main.js';
}
