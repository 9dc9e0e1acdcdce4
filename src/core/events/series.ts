// One tag's scalar points in one run, in arrival order, in growable typed arrays (a million
// points cost 24 MB, no objects). A step lower than the previous point's starts a new segment — a
// restart from an older checkpoint. Every point is kept, as TensorBoard keeps them for TF2 event
// files (it purges only after a SessionLog START, which TF2 writers do not write); charts draw each
// segment as its own line so that a restart does not draw a line back.

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

  /** Points `[from, to)` of the arrival order as plain arrays. */
  slice(from = 0, to = this.length): SeriesView {
    return {
      steps: Array.from(this.steps.subarray(from, to)),
      wallTimes: Array.from(this.wallTimes.subarray(from, to)),
      values: Array.from(this.values.subarray(from, to)),
    };
  }

  /** Segment `s`: the points from one start (or restart) of the job, steps non-decreasing. */
  segment(s: number): SeriesView {
    const end = s + 1 < this.segmentStarts.length ? this.segmentStarts[s + 1] : this.length;
    return this.slice(this.segmentStarts[s], end);
  }
}
