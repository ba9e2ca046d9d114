// Keys: each key file wraps the one master key under a password. Opening tries the files in turn (restic
// stops after 20); adding a password writes another key file around the same master key.
import { WrongPasswordError, CorruptDataError, UsageError, hashId, type Id } from '../core/index.js';
import { openKeyFile, createKeyFile, type MasterKey, type KeyFile } from '../crypto/index.js';
import type { Backend } from '../storage/index.js';

/** restic tries at most this many key files before giving up (cmd/restic/global.go). */
export const MAX_KEYS_TRIED = 20;

export interface FoundKey {
  readonly keyId: Id;
  readonly masterKey: MasterKey;
}

/**
 * findKey returns the first key file that the password opens, trying `hint` first. A key file whose bytes
 * no longer hash to its name is damaged: when no key opens and every key tried was damaged, the password
 * could not even be tested, so the error is CorruptDataError naming the file rather than "wrong password"
 * (which would send the user hunting for another password). Otherwise WrongPasswordError, naming any
 * damaged key file too.
 */
export async function findKey(backend: Backend, password: string, hint?: string): Promise<FoundKey> {
  const names: string[] = [];
  for await (const f of backend.list('keys')) names.push(f.name);
  names.sort();
  if (hint !== undefined) {
    const match = names.filter((n) => n.startsWith(hint));
    if (match.length === 1) names.unshift(...names.splice(names.indexOf(match[0]!), 1));
  }
  if (names.length === 0) throw new CorruptDataError(`${backend.location} has no key files: the repository is damaged or incomplete`);
  const tried = names.slice(0, MAX_KEYS_TRIED);
  const damaged: string[] = [];
  for (const keyId of tried) {
    const bytes = await backend.read('keys', keyId);
    try {
      // A key that opens is accepted even if damaged elsewhere (e.g. its host name): the MAC proved it.
      return { keyId, masterKey: await openKeyFile(bytes, password) };
    } catch (err) {
      if (!(err instanceof WrongPasswordError) && !(err instanceof CorruptDataError)) throw err;
      if (err instanceof CorruptDataError || hashId(bytes) !== keyId) damaged.push(keyId.slice(0, 8));
    }
  }
  if (damaged.length === tried.length) {
    throw new CorruptDataError(
      `key file${damaged.length > 1 ? 's' : ''} ${damaged.join(', ')} of ${backend.location} ${damaged.length > 1 ? 'are' : 'is'} damaged ` +
        '(content does not match the file name), so the password cannot be checked: restore keys/ from a copy of the repository',
    );
  }
  if (damaged.length > 0) throw new WrongPasswordError(`wrong password, or its key file is damaged (${damaged.join(', ')} does not match its name): none of the repository keys opens with this password`);
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
