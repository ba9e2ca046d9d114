// Turning repeated measurements into table rows: per step and metric, cairn's and restic's median with the
// range across repeats, and the ratio of the medians (below 1 means cairn is smaller or faster).
import type { Step, ToolRun } from './backup-suite.js';
import type { Measurement } from './measure.js';

export interface Row {
  readonly step: string;
  readonly metric: string;
  readonly cairn: string;
  readonly restic: string;
  readonly ratio: string;
  readonly cairnMedian: number;
  readonly resticMedian: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function cell(values: number[], digits: number, unit: string): string {
  if (values.length === 0) return '—';
  const m = median(values).toFixed(digits);
  if (values.length === 1) return `${m} ${unit}`;
  return `${m} ${unit} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

function row(step: string, metric: string, cairn: number[], restic: number[], digits: number, unit: string): Row {
  const c = cairn.length > 0 ? median(cairn) : Number.NaN;
  const r = restic.length > 0 ? median(restic) : Number.NaN;
  return { step, metric, cairn: cell(cairn, digits, unit), restic: cell(restic, digits, unit), ratio: (c / r).toFixed(2), cairnMedian: c, resticMedian: r };
}

/** backupTable summarizes the runs as rows: wall, CPU and peak RSS per step, then bytes stored. */
export function backupTable(runs: readonly ToolRun[]): Row[] {
  const of = (tool: string): ToolRun[] => runs.filter((r) => r.tool === tool);
  const pick = (tool: string, step: Step, f: (m: Measurement) => number): number[] =>
    of(tool).flatMap((r) => (r.steps[step] ? [f(r.steps[step])] : []));
  const rows: Row[] = [];
  for (const step of ['backup first', 'backup unchanged', 'restore latest'] as const) {
    if (pick('cairn', step, (m) => m.wallS).length === 0) continue;
    rows.push(row(step, 'wall', pick('cairn', step, (m) => m.wallS), pick('restic', step, (m) => m.wallS), 2, 's'));
    rows.push(row(step, 'CPU', pick('cairn', step, (m) => m.cpuS), pick('restic', step, (m) => m.cpuS), 2, 's'));
    rows.push(row(step, 'peak RSS', pick('cairn', step, (m) => m.peakRssMB), pick('restic', step, (m) => m.peakRssMB), 0, 'MB'));
  }
  const stored = (tool: string): number[] => of(tool).map((r) => r.storedBytes / 1e6);
  rows.push(row('repository', 'bytes stored', stored('cairn'), stored('restic'), 1, 'MB'));
  return rows;
}
