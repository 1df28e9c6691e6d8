/** The package's public API: the typed client, the job/event types and the error codes (the same as smppd/client). */
export * from './client.js';
