// Opening what a job function works on: the repository (through the same openBackend as the CLI, with the
// S3 endpoint override and, for an external provider, the key from Secrets Manager), the copy target, and
// the control store. Everything opened here is closed by the caller.
import { openControlStore, type ControlStore } from '../../shared/control/index.js';
import { Repository } from '../../shared/repository/index.js';
import { openBackend } from '../../shared/storage/index.js';
import type { JobEnvironment, PasswordSource, S3Settings } from './env.js';
import { resolvePassword, storageCredentials } from './secrets.js';

/** openRepositoryAt opens a repository URL with a password source; the backend closes with `repo.backend.close()`. */
export async function openRepositoryAt(url: string, password: PasswordSource, s3: S3Settings, credentialsSecretArn?: string): Promise<Repository> {
  const credentials = credentialsSecretArn === undefined ? undefined : await storageCredentials(credentialsSecretArn);
  const backend = await openBackend(url, {
    s3: {
      ...(s3.endpoint !== undefined ? { endpoint: s3.endpoint } : {}),
      ...(s3.region !== undefined ? { region: s3.region } : {}),
      ...(credentials ? { credentials } : {}),
    },
  });
  try {
    return await Repository.open(backend, await resolvePassword(password));
  } catch (err) {
    await backend.close();
    throw err;
  }
}

/** openJobRepository opens the repository the functions maintain. */
export function openJobRepository(env: JobEnvironment): Promise<Repository> {
  return openRepositoryAt(env.repository, env.password, env.s3, env.storageSecretArn);
}

/** openControl opens the control bucket (always S3; AWS_ENDPOINT_URL_S3 redirects it in tests). */
export function openControl(env: { controlBucket: string; controlPrefix: string; s3: S3Settings }): Promise<ControlStore> {
  return openControlStore({
    bucket: env.controlBucket,
    prefix: env.controlPrefix,
    ...(env.s3.endpoint !== undefined ? { endpoint: env.s3.endpoint } : {}),
    ...(env.s3.region !== undefined ? { region: env.s3.region } : {}),
  });
}
