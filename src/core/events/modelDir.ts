// A model_dir as the Model Garden's trainer leaves it: runs (`train/`, `validation/`, or event
// files in the folder itself), `params.yaml` and checkpoints `ckpt-<step>`. `poll()` finds new runs
// and reads only what was appended since the last poll.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { prefixesIn, stepOfPrefix } from '../checkpoint/locate';
import { EVENT_FILE, ScalarRun } from './run';
import { runStatus, type RunStatus } from './status';

const MAX_DEPTH = 4;
const SKIP = new Set(['node_modules', '.git', '__pycache__', '.venv', 'variables', 'assets']);

/** Folders under `root` (itself included, up to 4 levels) that hold event files. */
export async function findRunDirs(root: string, depth = 0): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  if (entries.some((e) => e.isFile() && EVENT_FILE.test(e.name))) found.push(root);
  if (depth < MAX_DEPTH) {
    for (const e of entries) {
      if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.'))
        found.push(...(await findRunDirs(path.join(root, e.name), depth + 1)));
    }
  }
  return found;
}

export interface CheckpointInfo {
  readonly prefix: string;
  readonly step: number | undefined;
}

export class ModelDir {
  readonly runs = new Map<string, ScalarRun>();
  checkpoints: CheckpointInfo[] = [];
  trainSteps: number | undefined;
  private previousWrite = 0;
  private grew = false;

  constructor(readonly root: string) {}

  /** The run's name: its folder relative to the model_dir ('.' for the model_dir itself). */
  runName(run: ScalarRun): string {
    return path.relative(this.root, run.dir) || '.';
  }

  /** Reads what is new; `bytesRead` is what this poll read of the event files (only appended bytes). */
  async poll(): Promise<{ events: number; bytesRead: number; tags: Set<string> }> {
    for (const dir of await findRunDirs(this.root)) {
      if (!this.runs.has(dir)) this.runs.set(dir, new ScalarRun(dir));
    }
    let events = 0;
    let bytesRead = 0;
    const tags = new Set<string>();
    for (const run of this.runs.values()) {
      const r = await run.poll();
      events += r.events;
      bytesRead += r.bytesRead;
      for (const t of r.tags) tags.add(t);
    }
    this.checkpoints = (await prefixesIn(this.root)).map((prefix) => ({
      prefix,
      step: stepOfPrefix(prefix),
    }));
    this.trainSteps = await readTrainSteps(this.root);
    const write = this.lastWriteMs;
    this.grew = this.previousWrite !== 0 && write > this.previousWrite;
    this.previousWrite = write;
    return { events, bytesRead, tags };
  }

  get lastWriteMs(): number {
    let t = 0;
    for (const r of this.runs.values()) t = Math.max(t, r.lastWriteMs);
    return t;
  }

  get lastStep(): number | undefined {
    let s: number | undefined;
    for (const r of this.runs.values())
      if (r.lastStep !== undefined) s = Math.max(s ?? -Infinity, r.lastStep);
    return s;
  }

  status(nowMs = Date.now()): RunStatus {
    const last = this.checkpoints[this.checkpoints.length - 1];
    return runStatus({
      lastWriteMs: this.lastWriteMs,
      nowMs,
      lastStep: this.lastStep,
      checkpointStep: last?.step,
      trainSteps: this.trainSteps,
      grew: this.grew,
    });
  }
}

/** `trainer.train_steps` from the model_dir's params.yaml. */
export async function readTrainSteps(root: string): Promise<number | undefined> {
  try {
    const doc = parseYaml(await fs.readFile(path.join(root, 'params.yaml'), 'utf8')) as unknown;
    const steps = (doc as { trainer?: { train_steps?: unknown } } | null)?.trainer?.train_steps;
    return typeof steps === 'number' && steps > 0 ? steps : undefined;
  } catch {
    return undefined;
  }
}
