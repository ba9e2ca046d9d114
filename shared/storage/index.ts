// The storage layer's public surface: the backend interface, the two stores, the retry wrapper and the URL
// parser. Other layers import from here, never from a file inside this folder.
export type { Backend, ByteRange, FileBody, FileInfo, FileType, ReadBackend, WriteBackend } from './backend.js';
export { FILE_TYPES } from './backend.js';
export { objectPath } from './layout.js';
export { LocalBackend } from './local.js';
export { openS3Backend, S3Backend } from './s3.js';
export type { S3BackendOptions, S3Credentials } from './s3-client.js';
export { DEFAULT_RETRY, UNREACHABLE_CODE, withRetry } from './retry.js';
export type { RetryInfo, RetryOptions } from './retry.js';
export { openBackend, parseLocation } from './location.js';
export type { Location, OpenBackendOptions } from './location.js';
