import * as assert from 'node:assert/strict';
import { ScalarSeries } from '../../src/core/events';
import { applyDelta, seriesDelta } from '../../src/webview/runs/delta';
import type { CurveRun, CurvesData } from '../../src/webview/runs/protocol';

/** What the panel sends on load: every segment of the series. */
function full(series: ScalarSeries, id = 'run'): CurveRun {
  return {
    id,
    label: id,
    tags: { [series.tag]: Array.from({ length: series.segments }, (_, s) => series.segment(s)) },
  };
}

/** A pseudo-random series of n points with restarts (the step going back) now and then. */
function randomSeries(n: number, seed: number): ScalarSeries {
  let x = seed;
  const rand = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const series = new ScalarSeries('loss');
  let step = 0;
  for (let i = 0; i < n; i++) {
    step = rand() < 0.1 ? Math.floor(step * rand()) : step + 1 + Math.floor(rand() * 3);
    series.push(step, 1.7e9 + i, rand());
  }
  return series;
}

describe('Curves panel: live updates send only new points', () => {
  it('applying the deltas of any growth equals the data sent on load, restarts included', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const whole = randomSeries(200, seed);
      assert.ok(whole.segments > 1, 'the series has restarts');
      // Grow a copy point by point, sending a delta at pseudo-random moments.
      const growing = new ScalarSeries('loss');
      let data: CurvesData = { runs: [] };
      let sent = 0;
      for (let i = 0; i < whole.length; i++) {
        const p = whole.point(i);
        growing.push(p.step, p.wallTime, p.value);
        if ((i * 7 + seed) % 5 !== 0 && i !== whole.length - 1) continue;
        const delta = seriesDelta(growing, sent)!;
        const carried = delta.segments.reduce((n, s) => n + s.steps.length, 0);
        assert.equal(carried, growing.length - sent, 'only the points after the last message');
        assert.equal(delta.from, sent);
        data = applyDelta(data, [{ id: 'run', label: 'run', tags: { loss: delta } }])!;
        assert.ok(data, `seed ${seed}: the delta fits`);
        sent = growing.length;
        assert.deepEqual(data.runs, [full(growing)], `seed ${seed}, after ${sent} points`);
      }
      assert.equal(seriesDelta(growing, sent), undefined, 'nothing new, nothing sent');
    }
  });

  it('a point that restarts the job starts a new line; one that continues extends the last', () => {
    const s = new ScalarSeries('loss');
    s.push(1, 10, 1);
    s.push(2, 11, 2);
    s.push(3, 12, 3);
    assert.deepEqual(seriesDelta(s, 1), {
      from: 1,
      continues: true,
      segments: [{ steps: [2, 3], wallTimes: [11, 12], values: [2, 3] }],
    });
    s.push(1, 13, 4); // restart
    assert.deepEqual(seriesDelta(s, 3), {
      from: 3,
      continues: false,
      segments: [{ steps: [1], wallTimes: [13], values: [4] }],
    });
    assert.equal(seriesDelta(s, 0)!.continues, false, 'first points start the first line');
  });

  it('a delta that does not start where the panel data ends is refused (the panel asks for all)', () => {
    const s = new ScalarSeries('loss');
    for (let i = 0; i < 5; i++) s.push(i, i, i);
    const base: CurvesData = { runs: [full(s)] };
    s.push(5, 5, 5);
    const ok = seriesDelta(s, 5)!;
    assert.ok(applyDelta(base, [{ id: 'run', label: 'run', tags: { loss: ok } }]));
    const skipped = seriesDelta(s, 4)!; // would draw point 4 twice
    assert.equal(applyDelta(base, [{ id: 'run', label: 'run', tags: { loss: skipped } }]), undefined);
    const lost = { ...ok, from: 6 };
    assert.equal(applyDelta(base, [{ id: 'run', label: 'run', tags: { loss: lost } }]), undefined);
  });

  it('a new run or tag is added without touching the others', () => {
    const a = new ScalarSeries('loss');
    a.push(1, 1, 1);
    const base: CurvesData = { runs: [full(a, 'a')] };
    const b = new ScalarSeries('acc');
    b.push(3, 3, 0.5);
    const next = applyDelta(base, [{ id: 'b', label: 'b', tags: { acc: seriesDelta(b, 0)! } }])!;
    assert.deepEqual(next.runs, [full(a, 'a'), full(b, 'b')]);
    assert.deepEqual(base.runs, [full(a, 'a')], 'the old data is not changed');
  });
});
