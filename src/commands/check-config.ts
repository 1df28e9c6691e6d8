/** `smppd check-config`: validate a config file; print it with secrets masked; warn of exposed passwords. */
import { loadConfigChecked, redactConfig } from '../config/load.js';
import { exitFor } from './errors.js';
import { Exit, type Io } from './io.js';

export async function checkConfig(args: { config: string; print?: boolean }, io: Io): Promise<number> {
  try {
    const { config: cfg, warnings } = await loadConfigChecked(args.config, io.env);
    // A warning is no failure: the file is valid, and the daemon would start on it.
    for (const w of warnings) io.err(`smppd: warning: ${w}`);
    io.out(`${args.config}: ok (${cfg.carriers.length} carriers: ${cfg.carriers.map((c) => c.name).join(', ')})`);
    if (args.print) io.out(JSON.stringify(redactConfig(cfg), null, 2));
    return Exit.OK;
  } catch (e) {
    const { code, line } = exitFor(e);
    io.err(line);
    return code;
  }
}
