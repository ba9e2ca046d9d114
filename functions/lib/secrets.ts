// Passwords and storage keys from Secrets Manager, fetched once per container: a warm function opening the
// repository for its next work item does not pay a Secrets Manager call (or its rate limit) again. Values
// are kept in memory only; they are never logged or written anywhere.
import { StorageError } from '../../shared/core/index.js';
import type { PasswordSource } from './env.js';

const cache = new Map<string, Promise<string>>();

/** getSecretString returns a secret's current string value (cached per container). */
export function getSecretString(secretArn: string): Promise<string> {
  let value = cache.get(secretArn);
  if (value === undefined) {
    value = fetchSecret(secretArn);
    // A failed fetch must not stick: the next invocation tries again.
    value.catch(() => cache.delete(secretArn));
    cache.set(secretArn, value);
  }
  return value;
}

async function fetchSecret(secretArn: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (out.SecretString === undefined) throw new StorageError(`secret ${secretArn} has no string value: store the password as text`, false);
    return out.SecretString;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const transient = status === undefined || status >= 500 || e.name === 'ThrottlingException';
    throw new StorageError(`cannot read secret ${secretArn}: ${e.name ?? ''} ${(err as Error).message}`, transient, { cause: err });
  } finally {
    client.destroy();
  }
}

/** resolvePassword returns the password a source names (the repository's or the copy target's). */
export async function resolvePassword(source: PasswordSource): Promise<string> {
  return 'value' in source ? source.value : getSecretString(source.secretArn);
}

/** storageCredentials reads `{accessKeyId, secretAccessKey}` from the external storage's secret. */
export async function storageCredentials(secretArn: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const text = await getSecretString(secretArn);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const p = parsed as { accessKeyId?: unknown; secretAccessKey?: unknown } | undefined;
  if (typeof p?.accessKeyId !== 'string' || typeof p.secretAccessKey !== 'string') {
    throw new StorageError(`secret ${secretArn} must hold {"accessKeyId":"…","secretAccessKey":"…"} (see docs/deploy.md, "External storage key")`, false);
  }
  return { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey };
}
