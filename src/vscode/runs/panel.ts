// The Curves panel: the scalars of one or several model_dirs drawn by the webview (uPlot). The
// Training Runs view tells it when new events were read; it sends the data again, at most twice a
// second. PNG and CSV exports go through a save dialog (or a given file, for scripts and tests).
import * as vscode from 'vscode';
import type { ModelDir } from '../../core/events';
import type { CurveRun, CurvesData, FromPanel, Rendered, ToPanel } from '../../webview/runs/protocol';
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

export class CurvesPanel {
  private static current: CurvesPanel | undefined;
  private readonly roots = new Set<string>();
  private focusTag: string | undefined;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private nextRequest = 1;
  private readonly pngWaiters = new Map<number, (dataUrl: string) => void>();
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
        {
          enableScripts: true,
          retainContextWhenHidden: true,
          localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview')],
        },
      );
      panel = new CurvesPanel(webviewPanel, host);
    }
    for (const r of roots) panel.roots.add(r);
    panel.focusTag = focusTag;
    panel.panel.title = `Curves: ${[...panel.roots].map((r) => host.label(r)).join(', ')}`;
    panel.send();
    return panel;
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

  /** New events were read for `root`: send the data again (throttled). */
  changed(root: string): void {
    if (!this.roots.has(root) || this.timer) return;
    const wait = Math.max(0, this.lastSent + 500 - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  data(): CurvesData {
    const runs: CurveRun[] = [];
    for (const root of this.roots) {
      const dir = this.host.modelDir(root);
      if (!dir) continue;
      const label = this.host.label(root);
      for (const run of dir.runs.values()) {
        const name = dir.runName(run);
        const tags: Record<string, CurveRun['tags'][string]> = {};
        for (const tag of run.tags()) {
          const series = run.series.get(tag)!;
          tags[tag] = Array.from({ length: series.segments }, (_, s) => series.segment(s));
        }
        runs.push({ id: run.dir, label: name === '.' ? label : `${label}/${name}`, tags });
      }
    }
    return { runs, ...(this.focusTag ? { focusTag: this.focusTag } : {}) };
  }

  private send(): void {
    if (!this.ready) return;
    this.lastSent = Date.now();
    this.post({ type: 'data', data: this.data() });
    this.focusTag = undefined;
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
