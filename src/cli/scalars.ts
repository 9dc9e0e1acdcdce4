import { parseArgs } from 'node:util';
import { jsonNumber, readModelDir } from './runs';
import { table, UsageError, type CliIo } from './io';

export const usage = 'model-garden scalars DIR --tag T [--run R] [--csv|--json]';

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      tag: { type: 'string' },
      run: { type: 'string' },
      csv: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || !values.tag) throw new UsageError(`Usage: ${usage}`);
  if (values.csv && values.json) throw new UsageError('--csv and --json exclude each other');
  const tag = values.tag;
  const dir = await readModelDir(positionals[0]);
  const runs = [...dir.runs.values()]
    .filter((r) => r.series.has(tag) && (values.run === undefined || dir.runName(r) === values.run))
    .sort((a, b) => dir.runName(a).localeCompare(dir.runName(b)));
  if (runs.length === 0) {
    const known = [...new Set([...dir.runs.values()].flatMap((r) => r.tags()))].sort();
    throw new UsageError(
      `no scalar "${tag}"${values.run !== undefined ? ` in run "${values.run}"` : ''}; tags: ${known.join(', ') || 'none'}`,
      1,
    );
  }
  const rows: { run: string; segment: number; step: number; wallTime: number; value: number }[] = [];
  for (const r of runs) {
    const s = r.series.get(tag)!;
    for (let seg = 0; seg < s.segments; seg++) {
      const v = s.segment(seg);
      for (let i = 0; i < v.steps.length; i++)
        rows.push({
          run: dir.runName(r),
          segment: seg,
          step: v.steps[i],
          wallTime: v.wallTimes[i],
          value: v.values[i],
        });
    }
  }
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          tag,
          runs: runs.map((r) => ({
            run: dir.runName(r),
            dtype: r.series.get(tag)!.dtype,
            points: rows
              .filter((p) => p.run === dir.runName(r))
              .map((p) => ({
                step: p.step,
                wallTime: p.wallTime,
                value: jsonNumber(p.value),
                segment: p.segment,
              })),
          })),
        },
        null,
        2,
      ),
    );
  } else if (values.csv) {
    io.out(
      [
        'run,segment,step,wall_time,value',
        ...rows.map((p) => [csvCell(p.run), p.segment, p.step, p.wallTime, p.value].join(',')),
      ].join('\n'),
    );
  } else {
    io.out(
      table(
        ['RUN', 'SEGMENT', 'STEP', 'WALL TIME', 'VALUE'],
        rows.map((p) => [
          p.run,
          String(p.segment),
          String(p.step),
          new Date(p.wallTime * 1000).toISOString(),
          String(p.value),
        ]),
      ),
    );
  }
  return 0;
}
