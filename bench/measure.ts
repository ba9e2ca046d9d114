// Measuring one child process: wall time, CPU time (user + system, children included) and peak resident
// memory. GNU time reports the peak RSS (the kernel's maxrss of the child) when it is installed; otherwise
// /proc/<pid>/status VmHWM is polled, which can miss a short final peak but never invents one.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakRssMB: number;
}

const GNU_TIME = '/usr/bin/time';

function readHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * measure runs `cmd args` to completion and returns its figures; rejects with the child's stderr when it
 * exits non-zero (a benchmark of a failing run means nothing).
 */
export function measure(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  const useTime = existsSync(GNU_TIME);
  const out = join(tmpdir(), `cairn-bench-time-${process.pid}-${Date.now()}`);
  const [exe, argv] = useTime ? [GNU_TIME, ['-f', '%U %S %M', '-o', out, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(exe, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let hwmKb = 0;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = useTime ? undefined : setInterval(() => (hwmKb = Math.max(hwmKb, readHwmKb(child.pid ?? 0))), 20);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallS = (performance.now() - started) / 1000;
      if (poll) clearInterval(poll);
      if (code !== 0) {
        rmSync(out, { force: true });
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      if (useTime) {
        const [user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        rmSync(out, { force: true });
        resolve({ wallS, cpuS: (user ?? 0) + (sys ?? 0), peakRssMB: (kb ?? 0) / 1024 });
      } else {
        resolve({ wallS, cpuS: Number.NaN, peakRssMB: hwmKb / 1024 });
      }
    });
  });
}
