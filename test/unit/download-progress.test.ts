import * as assert from 'node:assert/strict';
import {
  describeProgress,
  formatBytes,
  formatDuration,
  progressOf,
  RateMeter,
} from '../../src/core/download';

describe('download: progress arithmetic', function () {
  it('measures the rate over a sliding window with an injected clock', function () {
    let now = 0;
    const meter = new RateMeter(5000, () => now);
    assert.equal(meter.sample(0), 0);
    now = 1000;
    assert.equal(meter.sample(2_000_000), 2_000_000);
    now = 2000;
    assert.equal(meter.sample(3_000_000), 1_500_000);
    // After a 10 s stall the window forgets the early burst.
    now = 12_000;
    meter.sample(3_000_000);
    now = 13_000;
    assert.equal(meter.sample(3_000_000), 0);
  });

  it('derives the ETA from the remaining bytes and the rate', function () {
    assert.equal(progressOf(250, 1000, 50).etaSeconds, 15);
    assert.equal(progressOf(250, null, 50).etaSeconds, null);
    assert.equal(progressOf(250, 1000, 0).etaSeconds, null);
  });

  it('formats sizes, durations and a one-line summary', function () {
    assert.deepEqual([12, 999, 1000, 1500, 820_000, 1_250_000_000].map(formatBytes), [
      '12 B',
      '999 B',
      '1.0 kB',
      '1.5 kB',
      '820 kB',
      '1.3 GB',
    ]);
    assert.deepEqual([9, 247, 3903].map(formatDuration), ['0:09', '4:07', '1:05:03']);
    assert.equal(
      describeProgress({ phase: 'download', bytes: 120e6, total: 266e6, rate: 8.1e6, etaSeconds: 18 }),
      '45% · 120 MB of 266 MB · 8.1 MB/s · 0:18 left',
    );
    assert.equal(
      describeProgress({ phase: 'download', bytes: 5, total: null, rate: 0, etaSeconds: null }),
      '5 B',
    );
  });
});
