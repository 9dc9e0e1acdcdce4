// One run: a folder whose `events.out.tfevents.*` files (TensorBoard's definition) are read in
// name order — the name starts with the creation time, so a restarted job's new file comes after
// the old one. Every poll reads only new bytes of each file; scalars are kept per tag.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RawEvent } from './event';
import type { EventFileError } from './errors';
import { ScalarSeries } from './series';
import { EventFileTail } from './tail';

export const EVENT_FILE = /^events\.out\.tfevents\./;

/** Event files sort by their creation timestamp (`events.out.tfevents.<seconds>.<host>…`), then name (numbers by value). */
export function compareEventFiles(a: string, b: string): number {
  const ta = Number(/^events\.out\.tfevents\.(\d+(?:\.\d+)?)/.exec(path.basename(a))?.[1] ?? NaN);
  const tb = Number(/^events\.out\.tfevents\.(\d+(?:\.\d+)?)/.exec(path.basename(b))?.[1] ?? NaN);
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return a.localeCompare(b, 'en', { numeric: true });
}

export interface RunPoll {
  /** New events across the run's files. */
  readonly events: number;
  readonly bytesRead: number;
  /** Tags that got new points. */
  readonly tags: ReadonlySet<string>;
}

export class ScalarRun {
  readonly files = new Map<string, EventFileTail>();
  readonly series = new Map<string, ScalarSeries>();
  /** Per tag: its plugin (from the first value that carried metadata) and its series; one lookup per point. */
  private readonly tagState = new Map<
    string,
    { plugin: string | undefined; series: ScalarSeries | undefined }
  >();
  /** Tags of non-scalar summaries (histograms, images, text). */
  readonly otherTags = new Set<string>();
  events = 0;
  firstWallTime: number | undefined;
  lastWallTime: number | undefined;
  /** Highest step of any event with a summary. */
  lastStep: number | undefined;
  /** SessionLog status of the last event that had one. */
  lastSessionLog: string | undefined;

  constructor(readonly dir: string) {}

  /** Errors of files that could not be read to their end. */
  get errors(): EventFileError[] {
    return [...this.files.values()].flatMap((f) => (f.error ? [f.error] : []));
  }

  /** Bytes of unfinished records at the ends of the files. */
  get pendingBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.pendingBytes;
    return n;
  }

  /** Newest modification time of the run's files (ms), from the last poll. */
  get lastWriteMs(): number {
    let t = 0;
    for (const f of this.files.values()) t = Math.max(t, f.mtimeMs);
    return t;
  }

  /** Lists the folder's event files and reads what is new in each. */
  async poll(): Promise<RunPoll> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => EVENT_FILE.test(n));
    } catch {
      names = [];
    }
    names.sort(compareEventFiles);
    const lengths = new Map<ScalarSeries, number>();
    for (const s of this.series.values()) lengths.set(s, s.length);
    let events = 0;
    let bytesRead = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      let tail = this.files.get(file);
      if (!tail) {
        tail = new EventFileTail(file);
        this.files.set(file, tail);
      }
      try {
        const r = await tail.poll((e) => this.add(e));
        events += r.events;
        bytesRead += r.bytesRead;
      } catch (error) {
        // Vanished or unreadable between readdir and open: try again next poll.
        if (!(error instanceof Error && 'code' in error)) throw error;
      }
    }
    this.events += events;
    // Tags that got points: their series grew (or are new).
    const tags = new Set<string>();
    for (const [tag, s] of this.series) if (s.length > (lengths.get(s) ?? 0)) tags.add(tag);
    return { events, bytesRead, tags };
  }

  private add(event: RawEvent): void {
    if (event.wallTime) {
      if (this.firstWallTime === undefined) this.firstWallTime = event.wallTime;
      this.lastWallTime = event.wallTime;
    }
    if (event.sessionLog) this.lastSessionLog = event.sessionLog;
    for (const t of event.otherTags) this.otherTags.add(t);
    const n = event.count;
    if (n === 0) return;
    if (this.lastStep === undefined || event.step > this.lastStep) this.lastStep = event.step;
    for (let i = 0; i < n; i++) {
      const tag = event.tags[i];
      const dtype = event.dtypes[i];
      const pluginName = event.plugins[i];
      let state = this.tagState.get(tag);
      if (!state) {
        state = { plugin: undefined, series: undefined };
        this.tagState.set(tag, state);
      }
      if (pluginName) {
        if (state.plugin === undefined) state.plugin = pluginName;
      } else if (dtype !== 'simple') {
        // A tensor without metadata: a scalar unless the tag's first metadata said otherwise.
        if (state.plugin !== undefined && state.plugin !== 'scalars') continue;
      }
      let series = state.series;
      if (!series) {
        series = new ScalarSeries(tag);
        state.series = series;
        this.series.set(tag, series);
      }
      series.push(event.step, event.wallTime, event.values[i]);
      series.dtype = dtype;
    }
  }

  /** The tags in a stable order. */
  tags(): string[] {
    return [...this.series.keys()].sort();
  }
}
