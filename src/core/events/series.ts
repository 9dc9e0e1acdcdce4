// One tag's scalar points in one run, in arrival order, in growable typed arrays (a million
// points cost 24 MB, no objects). A step lower than the previous point's starts a new segment — a
// restart from an older checkpoint — and `view()` shows what TensorBoard shows: each later segment
// replaces the earlier points at or beyond its first step.

export interface ScalarPoint {
  readonly step: number;
  readonly wallTime: number;
  readonly value: number;
}

export interface SeriesView {
  readonly steps: number[];
  readonly wallTimes: number[];
  readonly values: number[];
}

export class ScalarSeries {
  length = 0;
  steps = new Float64Array(16);
  wallTimes = new Float64Array(16);
  values = new Float64Array(16);
  /** Index of the first point of each segment; the first segment starts at 0. */
  readonly segmentStarts: number[] = [0];
  /** Dtype of the most recent value ('simple', 'float32', …). */
  dtype = '';

  constructor(readonly tag: string) {}

  push(step: number, wallTime: number, value: number): void {
    const n = this.length;
    if (n === this.steps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(n * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.wallTimes = grow(this.wallTimes);
      this.values = grow(this.values);
    }
    if (n > 0 && step < this.steps[n - 1]) this.segmentStarts.push(n);
    this.steps[n] = step;
    this.wallTimes[n] = wallTime;
    this.values[n] = value;
    this.length = n + 1;
  }

  get segments(): number {
    return this.segmentStarts.length;
  }

  point(i: number): ScalarPoint {
    return { step: this.steps[i], wallTime: this.wallTimes[i], value: this.values[i] };
  }

  last(): ScalarPoint | undefined {
    return this.length ? this.point(this.length - 1) : undefined;
  }

  /** The points after TensorBoard's purge of orphaned steps,. */
  view(): SeriesView {
    const keep: [number, number][] = [];
    let limit = Infinity;
    for (let s = this.segmentStarts.length - 1; s >= 0; s--) {
      const start = this.segmentStarts[s];
      const end = s + 1 < this.segmentStarts.length ? this.segmentStarts[s + 1] : this.length;
      let stop = start;
      while (stop < end && this.steps[stop] < limit) stop++;
      if (stop > start) keep.unshift([start, stop]);
      if (start < end) limit = Math.min(limit, this.steps[start]);
    }
    const steps: number[] = [];
    const wallTimes: number[] = [];
    const values: number[] = [];
    for (const [a, b] of keep)
      for (let i = a; i < b; i++) {
        steps.push(this.steps[i]);
        wallTimes.push(this.wallTimes[i]);
        values.push(this.values[i]);
      }
    return { steps, wallTimes, values };
  }
}
