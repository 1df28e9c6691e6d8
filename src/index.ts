/** The package's public API: the typed client, the job/event types and the error codes. */
export { SmppdClient, type MoEvent, type StreamItem } from './store/job-client.js';
export type { JobInput, JobEvent, JobClass, EventState, FinalState } from './types.js';
export { ErrorCodes, SmppdError, type ErrorCode } from './errors.js';
