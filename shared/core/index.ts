// The engine's shared vocabulary: IDs, errors, the reporter interface.
export * from './id.js';
export * from './errors.js';
export * from './reporter.js';
