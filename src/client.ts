/**
 * The typed client on its own (`import { SmppdClient } from 'smppd/client'`): what an app needs to push
 * jobs and read events and MO, and nothing of the daemon: its one package import is ioredis (for a
 * connection made from a URL). test/client.test.ts keeps the import graph that small.
 */
export { SmppdClient, type ClientRedis, type ClientPipeline, type ListOp, type StreamItem } from './store/job-client.js';
export type { JobInput, JobEvent, JobClass, EventState, FinalState, MoEvent } from './types.js';
export { ErrorCodes, SmppdError, type ErrorCode } from './errors.js';
