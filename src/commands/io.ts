/** What a command may use of its process; only main.ts builds one from `process`. */
export interface Io {
  env: NodeJS.ProcessEnv;
  /** The script path node was given (process.argv[1]): a bin link when installed, main.js from a checkout. */
  script?: string;
  out(line: string): void;
  err(line: string): void;
  /** Register a handler for SIGTERM/SIGINT/SIGHUP; returns an unregister function. */
  onSignal(sig: 'SIGTERM' | 'SIGINT' | 'SIGHUP', fn: () => void): () => void;
  /** Resolve when the command should end (first SIGTERM/SIGINT). */
  untilSignal(): Promise<string>;
}

/** Exit codes (docs/OPERATIONS.md): sysexits where one fits. */
export const Exit = {
  OK: 0,
  FAILURE: 1, // runtime failure
  USAGE: 64, // EX_USAGE: bad command line
  UNAVAILABLE: 69, // EX_UNAVAILABLE: Redis (or another required service) cannot be reached
  SOFTWARE: 70, // EX_SOFTWARE: internal error
  IN_USE: 73, // another live daemon has this instanceId (EX_CANTCREAT: this one cannot take its lease)
  TEMPFAIL: 75, // EX_TEMPFAIL: a port is taken (METRICS_PORT_IN_USE); it may be free on the next try
  CONFIG: 78, // EX_CONFIG: the configuration is invalid
  FORCED: 130, // a second signal during shutdown
} as const;
