// Keys: each key file wraps the one master key under a password. Opening tries the files in turn (restic
// stops after 20); adding a password writes another key file around the same master key.
import { WrongPasswordError, CorruptDataError, UsageError, type Id } from '../core/index.js';
import { openKeyFile, createKeyFile, type MasterKey, type KeyFile } from '../crypto/index.js';
import type { Backend } from '../storage/index.js';

/** restic tries at most this many key files before giving up (cmd/restic/global.go). */
export const MAX_KEYS_TRIED = 20;

export interface FoundKey {
  readonly keyId: Id;
  readonly masterKey: MasterKey;
}

/** findKey returns the first key file that the password opens, trying `hint` first. */
export async function findKey(backend: Backend, password: string, hint?: string): Promise<FoundKey> {
  const names: string[] = [];
  for await (const f of backend.list('keys')) names.push(f.name);
  names.sort();
  if (hint !== undefined) {
    const match = names.filter((n) => n.startsWith(hint));
    if (match.length === 1) names.unshift(...names.splice(names.indexOf(match[0]!), 1));
  }
  if (names.length === 0) throw new CorruptDataError(`${backend.location} has no key files: the repository is damaged or incomplete`);
  let damaged: Error | undefined;
  for (const keyId of names.slice(0, MAX_KEYS_TRIED)) {
    try {
      const masterKey = await openKeyFile(await backend.read('keys', keyId), password);
      return { keyId, masterKey };
    } catch (err) {
      if (err instanceof WrongPasswordError) continue;
      if (err instanceof CorruptDataError) {
        // A damaged key file must not hide a good one behind it.
        damaged = new CorruptDataError(`key file ${keyId.slice(0, 8)} is damaged: ${err.message}`, { cause: err });
        continue;
      }
      throw err;
    }
  }
  if (damaged !== undefined && names.length === 1) throw damaged;
  throw new WrongPasswordError();
}

export interface KeyInfo {
  readonly id: Id;
  readonly username: string;
  readonly hostname: string;
  readonly created: string;
}

/** listKeys reads every key file's plaintext metadata (key files are not encrypted). */
export async function listKeys(backend: Backend): Promise<KeyInfo[]> {
  const keys: KeyInfo[] = [];
  for await (const f of backend.list('keys')) {
    const raw = await backend.read('keys', f.name);
    let parsed: KeyFile;
    try {
      parsed = JSON.parse(raw.toString('utf8')) as KeyFile;
    } catch (err) {
      throw new CorruptDataError(`key file ${f.name.slice(0, 8)} is not valid JSON`, { cause: err });
    }
    keys.push({ id: f.name, username: parsed.username ?? '', hostname: parsed.hostname ?? '', created: parsed.created ?? '' });
  }
  return keys.sort((a, b) => a.created.localeCompare(b.created));
}

/** addKey wraps the master key under a new password and stores the key file; returns its ID. */
export async function addKey(
  backend: Backend,
  masterKey: MasterKey,
  password: string,
  who: { hostname: string; username: string; created: string },
): Promise<Id> {
  if (password.length === 0) throw new UsageError('an empty password is not allowed');
  const key = await createKeyFile(password, masterKey, who);
  await backend.write('keys', key.id, key.bytes);
  return key.id;
}

/** removeKey deletes a key file; the key in use cannot be removed (restic's rule), so access is never lost. */
export async function removeKey(backend: Backend, keyId: Id, currentKeyId: Id): Promise<void> {
  if (keyId === currentKeyId) throw new UsageError('refusing to remove the key currently in use: open the repository with another password to remove this one');
  await backend.stat('keys', keyId);
  await backend.remove('keys', keyId);
}
