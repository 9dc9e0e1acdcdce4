// The Curves panel: the scalars of one or several model_dirs drawn by the webview (uPlot). The
// Training Runs view tells it when new events were read; it sends only the new points (at most twice
// a second), and all the data when the panel (re)loads or shows another model_dir. PNG and CSV exports go through a save dialog (or a given file, for scripts and tests).
import * as vscode from 'vscode';
import type { ModelDir, ScalarRun } from '../../core/events';
import { seriesDelta } from '../../webview/runs/delta';
import type {
  CurveRun,
  CurveRunDelta,
  CurveSegment,
  CurvesData,
  CurveTagDelta,
  FromPanel,
  Rendered,
  ToPanel,
} from '../../webview/runs/protocol';
import { curvesHtml } from './html';

export const CURVES_VIEW_TYPE = 'modelGarden.curves';

export interface CurvesHost {
  readonly extensionUri: vscode.Uri;
  modelDir(root: string): ModelDir | undefined;
  label(root: string): string;
}

/** CSV of the scalars of `tags` in the model_dirs: one row per point. */
export function curvesCsv(runs: readonly CurveRun[], tags?: readonly string[]): string {
  const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['run,tag,segment,step,wall_time,value'];
  for (const run of runs)
    for (const [tag, segments] of Object.entries(run.tags)) {
      if (tags && !tags.includes(tag)) continue;
      segments.forEach((seg, s) => {
        for (let i = 0; i < seg.steps.length; i++)
          lines.push(
            [cell(run.label), cell(tag), s, seg.steps[i], seg.wallTimes[i], seg.values[i]].join(','),
          );
      });
    }
  return lines.join('\n') + '\n';
}

function countPoints(tags: readonly Readonly<Record<string, readonly CurveSegment[]>>[]): number {
  let n = 0;
  for (const t of tags)
    for (const segments of Object.values(t)) for (const s of segments) n += s.steps.length;
  return n;
}

export class CurvesPanel {
  private static current: CurvesPanel | undefined;
  private readonly roots = new Set<string>();
  private focusTag: string | undefined;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private nextRequest = 1;
  private readonly pngWaiters = new Map<number, (dataUrl: string) => void>();
  /** Points of each run folder and tag the webview has (`<run dir>\0<tag>`). */
  private readonly sent = new Map<string, number>();
  /** The last data message: its type and how many points it carried (for tests and the log). */
  lastSend: { type: 'data' | 'append'; points: number } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  /** Fires whenever the webview has drawn new data. */
  readonly onDidRender = this.renderedEmitter.event;
  rendered: Rendered | undefined;

  static show(host: CurvesHost, roots: readonly string[], focusTag?: string): CurvesPanel {
    let panel = CurvesPanel.current;
    if (panel) panel.panel.reveal(undefined, true);
    else {
      const webviewPanel = vscode.window.createWebviewPanel(
        CURVES_VIEW_TYPE,
        'Model Garden: Curves',
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
        CurvesPanel.options(host.extensionUri),
      );
      panel = new CurvesPanel(webviewPanel, host);
    }
    panel.addRoots(roots, focusTag);
    return panel;
  }

  /**
   * A panel VS Code restored after a reload (WebviewPanelSerializer), on the model_dirs its webview
   * saved; the webview keeps its own settings (smoothing, scale, axis, filter).
   */
  static revive(webviewPanel: vscode.WebviewPanel, host: CurvesHost, roots: readonly string[]): CurvesPanel {
    CurvesPanel.current?.panel.dispose();
    webviewPanel.webview.options = CurvesPanel.options(host.extensionUri);
    const panel = new CurvesPanel(webviewPanel, host);
    panel.addRoots(roots);
    return panel;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private addRoots(roots: readonly string[], focusTag?: string): void {
    for (const r of roots) this.roots.add(r);
    this.focusTag = focusTag;
    this.panel.title = this.roots.size
      ? `Curves: ${[...this.roots].map((r) => this.host.label(r)).join(', ')}`
      : 'Model Garden: Curves';
    this.send();
  }

  static get active(): CurvesPanel | undefined {
    return CurvesPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: CurvesHost,
  ) {
    CurvesPanel.current = this;
    panel.webview.html = curvesHtml(panel.webview, host.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromPanel) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      this.renderedEmitter,
    );
  }

  get shownRoots(): string[] {
    return [...this.roots];
  }

  /** New events were read for `root`: send the new points (throttled). */
  changed(root: string): void {
    if (!this.roots.has(root) || this.timer) return;
    const wait = Math.max(0, this.lastSent + 500 - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendNew();
    }, wait);
  }

  /** The run folders of the shown model_dirs with their labels. */
  private *shownRuns(): Generator<{ run: ScalarRun; label: string }> {
    for (const root of this.roots) {
      const dir = this.host.modelDir(root);
      if (!dir) continue;
      const label = this.host.label(root);
      for (const run of dir.runs.values()) {
        const name = dir.runName(run);
        yield { run, label: name === '.' ? label : `${label}/${name}` };
      }
    }
  }

  /** Everything shown, as sent on load; `record` notes what the webview then has. */
  data(record = false): CurvesData {
    const runs: CurveRun[] = [];
    if (record) this.sent.clear();
    for (const { run, label } of this.shownRuns()) {
      const tags: Record<string, CurveRun['tags'][string]> = {};
      for (const tag of run.tags()) {
        const series = run.series.get(tag)!;
        tags[tag] = Array.from({ length: series.segments }, (_, s) => series.segment(s));
        if (record) this.sent.set(`${run.dir}\0${tag}`, series.length);
      }
      runs.push({ id: run.dir, label, tags });
    }
    return { runs, roots: [...this.roots], ...(this.focusTag ? { focusTag: this.focusTag } : {}) };
  }

  /** The points read since the last message, per run and tag; `record` notes them as sent. */
  newPoints(record = false): CurveRunDelta[] {
    const deltas: CurveRunDelta[] = [];
    for (const { run, label } of this.shownRuns()) {
      const tags: Record<string, CurveTagDelta> = {};
      let any = false;
      for (const tag of run.tags()) {
        const key = `${run.dir}\0${tag}`;
        const series = run.series.get(tag)!;
        const delta = seriesDelta(series, this.sent.get(key) ?? 0);
        if (!delta) continue;
        tags[tag] = delta;
        any = true;
        if (record) this.sent.set(key, series.length);
      }
      if (any) deltas.push({ id: run.dir, label, tags });
    }
    return deltas;
  }

  private send(): void {
    if (!this.ready) return;
    this.lastSent = Date.now();
    const data = this.data(true);
    this.lastSend = { type: 'data', points: countPoints(data.runs.map((r) => r.tags)) };
    this.post({ type: 'data', data });
    this.focusTag = undefined;
  }

  private sendNew(): void {
    if (!this.ready) return;
    const runs = this.newPoints(true);
    if (runs.length === 0) return;
    this.lastSent = Date.now();
    this.lastSend = {
      type: 'append',
      points: countPoints(
        runs.map((r) => Object.fromEntries(Object.entries(r.tags).map(([t, d]) => [t, d.segments]))),
      ),
    };
    this.post({ type: 'append', runs });
  }

  private post(message: ToPanel): void {
    void this.panel.webview.postMessage(message);
  }

  /** The chart of `tag` as PNG bytes, drawn by the webview. */
  async png(tag: string): Promise<Uint8Array> {
    const requestId = this.nextRequest++;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pngWaiters.delete(requestId);
        reject(new Error(`no chart "${tag}" in the Curves panel`));
      }, 10_000);
      this.pngWaiters.set(requestId, (u) => {
        clearTimeout(timer);
        resolve(u);
      });
      this.post({ type: 'exportPng', tag, requestId });
    });
    return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  }

  private async receive(m: FromPanel): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'resync':
        this.ready = true;
        this.send();
        break;
      case 'rendered':
        this.rendered = m.rendered;
        this.renderedEmitter.fire(m.rendered);
        break;
      case 'png': {
        if (m.requestId !== undefined) {
          this.pngWaiters.get(m.requestId)?.(m.dataUrl);
          this.pngWaiters.delete(m.requestId);
          break;
        }
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file(`${m.tag.replace(/[^\w.-]+/g, '_')}.png`),
          filters: { 'PNG image': ['png'] },
        });
        if (target)
          await vscode.workspace.fs.writeFile(
            target,
            Buffer.from(m.dataUrl.slice(m.dataUrl.indexOf(',') + 1), 'base64'),
          );
        break;
      }
      case 'csv': {
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file('scalars.csv'),
          filters: { CSV: ['csv'] },
        });
        if (target)
          await vscode.workspace.fs.writeFile(target, Buffer.from(curvesCsv(this.data().runs, m.tags)));
        break;
      }
    }
  }

  dispose(): void {
    if (CurvesPanel.current === this) CurvesPanel.current = undefined;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
