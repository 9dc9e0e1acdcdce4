import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ModelDir, type ScalarRun } from '../core/events';
import { table, UsageError, type CliIo } from './io';

export const usage = 'model-garden runs DIR [--json]';

/** A number for JSON: finite values as they are, NaN and ±Infinity as strings. */
export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function runJson(dir: ModelDir, run: ScalarRun) {
  return {
    name: dir.runName(run),
    dir: run.dir,
    events: run.events,
    lastStep: run.lastStep ?? null,
    firstWallTime: run.firstWallTime ?? null,
    lastWallTime: run.lastWallTime ?? null,
    files: [...run.files.values()].map((f) => ({
      path: f.file,
      size: f.size,
      events: f.events,
      pendingBytes: f.pendingBytes,
      error: f.error ? { code: f.error.code, offset: f.error.offset, reason: f.error.reason } : null,
    })),
    scalars: Object.fromEntries(
      run.tags().map((tag) => {
        const s = run.series.get(tag)!;
        const last = s.last()!;
        return [
          tag,
          {
            points: s.length,
            segments: s.segments,
            dtype: s.dtype,
            last: { step: last.step, wallTime: last.wallTime, value: jsonNumber(last.value) },
          },
        ];
      }),
    ),
    otherTags: [...run.otherTags].sort(),
  };
}

/** Reads a model_dir (or any folder with event files below it); throws a UsageError when there are none. */
export async function readModelDir(root: string): Promise<ModelDir> {
  const dir = new ModelDir(path.resolve(root));
  await dir.poll();
  if (dir.runs.size === 0) throw new UsageError(`no event files (events.out.tfevents.*) under ${root}`, 1);
  return dir;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`Usage: ${usage}`);
  const dir = await readModelDir(positionals[0]);
  const runs = [...dir.runs.values()].sort((a, b) => dir.runName(a).localeCompare(dir.runName(b)));
  const errors = runs.flatMap((r) => r.errors);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          dir: dir.root,
          status: dir.status(),
          lastStep: dir.lastStep ?? null,
          trainSteps: dir.trainSteps ?? null,
          checkpoints: dir.checkpoints.map((c) => ({ prefix: c.prefix, step: c.step ?? null })),
          runs: runs.map((r) => runJson(dir, r)),
        },
        null,
        2,
      ),
    );
  } else {
    const last = dir.checkpoints[dir.checkpoints.length - 1];
    io.out(
      [
        `${dir.root}: ${dir.status()}`,
        dir.lastStep !== undefined ? `step ${dir.lastStep}` : undefined,
        dir.trainSteps !== undefined ? `of ${dir.trainSteps}` : undefined,
        last ? `latest checkpoint ${path.basename(last.prefix)}` : 'no checkpoint',
      ]
        .filter(Boolean)
        .join(' · '),
    );
    const rows: string[][] = [];
    for (const r of runs) {
      const tags = r.tags();
      const first = tags.length ? tags : ['-'];
      first.forEach((tag, i) => {
        const s = r.series.get(tag);
        const lastPoint = s?.last();
        rows.push([
          i === 0 ? dir.runName(r) : '',
          i === 0 ? String(r.files.size) : '',
          i === 0 ? String(r.events) : '',
          tag,
          s ? String(s.length) + (s.segments > 1 ? ` (${s.segments} segments)` : '') : '',
          lastPoint ? String(lastPoint.step) : '',
          lastPoint ? String(lastPoint.value) : '',
        ]);
      });
    }
    io.out(table(['RUN', 'FILES', 'EVENTS', 'TAG', 'POINTS', 'LAST STEP', 'LAST VALUE'], rows));
  }
  for (const e of errors) io.err(`error: ${e.message}`);
  return errors.length ? 1 : 0;
}
