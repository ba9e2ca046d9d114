// Test support: run the real `cairn` CLI as a separate process, from the current sources (through tsx, so
// a stale build can never be what a test exercises), and capture its exit code and output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../client/main.ts', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Extra environment; CAIRN_* and RESTIC_* from the test runner's own environment are removed. */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly input?: string;
  /** Kill the process after this many ms (default 120 s). */
  readonly timeoutMs?: number;
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(CAIRN_|RESTIC_|AWS_)/.test(k)) env[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  else env[k] = v;
  return env;
}

/** cliCommand is the argv prefix that runs cairn from source (for tests that spawn it themselves). */
export function cliCommand(): string[] {
  // tsx resolved here, not by the child: a test may run the CLI in a directory without node_modules.
  return [process.execPath, '--import', import.meta.resolve('tsx'), MAIN];
}

/** runCairn runs `cairn args...` to completion. */
export function runCairn(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [exe, ...pre] = cliCommand();
    const child = spawn(exe!, [...pre, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** cairnOk runs cairn and throws with its stderr unless it exits 0; returns stdout. */
export async function cairnOk(args: readonly string[], opts: CliOptions = {}): Promise<string> {
  const r = await runCairn(args, opts);
  if (r.code !== 0) throw new Error(`cairn ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
