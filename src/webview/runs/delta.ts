// Live updates of the Curves panel send only new points: `seriesDelta` cuts them from a series on
// the extension side, `applyDelta` adds them to the webview's data. Plain functions, so that the
// protocol is unit-tested without a webview.
import type { ScalarSeries } from '../../core/events/series';
import type { CurveRun, CurveRunDelta, CurveSegment, CurvesData, CurveTagDelta } from './protocol';

/** Points `[from, series.length)` of `series`, split at restarts; undefined when there are none. */
export function seriesDelta(series: ScalarSeries, from: number): CurveTagDelta | undefined {
  if (series.length <= from) return undefined;
  const starts = series.segmentStarts;
  // The segment holding point `from`.
  let s = starts.length - 1;
  while (s > 0 && starts[s] > from) s--;
  const segments: CurveSegment[] = [];
  for (let k = s; k < starts.length; k++) {
    const begin = Math.max(from, starts[k]);
    const end = k + 1 < starts.length ? starts[k + 1] : series.length;
    if (end > begin) segments.push(series.slice(begin, end));
  }
  return { from, continues: from > 0 && starts[s] < from, segments };
}

function pointCount(segments: readonly CurveSegment[]): number {
  let n = 0;
  for (const s of segments) n += s.steps.length;
  return n;
}

/**
 * `data` with the deltas added; undefined when a delta does not start where the data ends (the
 * panel then asks for everything again rather than draw a wrong line).
 */
export function applyDelta(data: CurvesData, deltas: readonly CurveRunDelta[]): CurvesData | undefined {
  const runs = [...data.runs];
  for (const delta of deltas) {
    const index = runs.findIndex((r) => r.id === delta.id);
    const old: CurveRun = index >= 0 ? runs[index] : { id: delta.id, label: delta.label, tags: {} };
    const tags: Record<string, readonly CurveSegment[]> = { ...old.tags };
    for (const [tag, d] of Object.entries(delta.tags)) {
      const have = tags[tag] ?? [];
      if (pointCount(have) !== d.from) return undefined;
      if (d.continues && have.length === 0) return undefined;
      const segments = [...have];
      let rest = d.segments;
      if (d.continues && rest.length) {
        const last = segments[segments.length - 1];
        const more = rest[0];
        segments[segments.length - 1] = {
          steps: last.steps.concat(more.steps),
          wallTimes: last.wallTimes.concat(more.wallTimes),
          values: last.values.concat(more.values),
        };
        rest = rest.slice(1);
      }
      segments.push(...rest);
      tags[tag] = segments;
    }
    const run = { id: old.id, label: delta.label, tags };
    if (index >= 0) runs[index] = run;
    else runs.push(run);
  }
  return { runs };
}
