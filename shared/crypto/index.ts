// restic's cryptography: the master key, password-protected key files, and sealing of stored objects.
export { generateMasterKey, isValidMasterKey, masterKeyFromJson, masterKeyToJson } from './master-key.js';
export type { MasterKey, MasterKeyJson } from './master-key.js';
// sealInto (seal.ts) stays internal: sealing into a reused pack buffer measured no faster than seal.
export { open, openReusing, seal, SEAL_OVERHEAD } from './seal.js';
export { DEFAULT_KDF_PARAMS, deriveUserKey } from './kdf.js';
export type { KdfParams } from './kdf.js';
export { createKeyFile, openKeyFile, parseKeyFile } from './key-file.js';
export type { CreateKeyFileOptions, KeyFile } from './key-file.js';
