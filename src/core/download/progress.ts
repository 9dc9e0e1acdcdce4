/** One progress report of a download or extraction. */
export interface DownloadProgress {
  readonly phase: 'download' | 'extract';
  /** Bytes of the file on disk so far (including bytes resumed from an earlier attempt). */
  readonly bytes: number;
  /** Total size when the server announced it, else null. */
  readonly total: number | null;
  /** Recent transfer rate in bytes per second (0 until measurable). */
  readonly rate: number;
  /** Seconds left at the current rate, null when the total or the rate is unknown. */
  readonly etaSeconds: number | null;
  /** Set while waiting to retry a failed attempt: why it failed and when the next one starts. */
  readonly retrying?: {
    readonly reason: string;
    readonly attempt: number;
    readonly of: number;
    readonly inMs: number;
  };
}

/**
 * Transfer rate over a sliding window of recent samples, so a stall shows quickly and an early
 * burst does not dominate.
 */
export class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records the byte count now and returns the rate in bytes per second. */
  sample(bytes: number): number {
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const seconds = (t - first.t) / 1000;
    return seconds > 0 ? Math.max(0, (bytes - first.bytes) / seconds) : 0;
  }

  /** Forgets the history (after a restart from zero). */
  reset(): void {
    this.samples.length = 0;
  }
}

export function progressOf(bytes: number, total: number | null, rate: number): DownloadProgress {
  const etaSeconds = total !== null && rate > 0 ? Math.max(0, (total - bytes) / rate) : null;
  return { phase: 'download', bytes, total, rate, etaSeconds };
}

/** `1.5 MB`, `820 kB`, `12 B` (decimal units, as browsers and download managers show). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `1:05:03`, `4:07`, `0:09`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One-line summary: `45% · 120 MB of 266 MB · 8.1 MB/s · 0:18 left`. */
export function describeProgress(p: DownloadProgress): string {
  if (p.phase === 'extract') return `extracting ${formatBytes(p.bytes)}`;
  if (p.retrying) {
    const { reason, attempt, of, inMs } = p.retrying;
    return `${reason}; retrying in ${inMs < 60_000 ? `${Math.ceil(inMs / 1000)} s` : formatDuration(inMs / 1000)} (attempt ${attempt} of ${of})`;
  }
  const parts: string[] = [];
  if (p.total) parts.push(`${Math.floor((100 * p.bytes) / p.total)}%`);
  parts.push(p.total ? `${formatBytes(p.bytes)} of ${formatBytes(p.total)}` : formatBytes(p.bytes));
  if (p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.etaSeconds !== null) parts.push(`${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}
