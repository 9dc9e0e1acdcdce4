import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CheckpointInfo, ModelDir, RunStatus, ScalarRun } from '../../core/events';

export type RunsSource = 'launch' | 'folder' | 'workspace';

export type RunsNode =
  | {
      readonly type: 'modelDir';
      readonly root: string;
      readonly label: string;
      readonly sources: ReadonlySet<RunsSource>;
    }
  | { readonly type: 'run'; readonly root: string; readonly runDir: string }
  | { readonly type: 'scalar'; readonly root: string; readonly runDir: string; readonly tag: string }
  | { readonly type: 'checkpoints'; readonly root: string }
  | {
      readonly type: 'checkpoint';
      readonly root: string;
      readonly prefix: string;
      readonly step?: number;
      readonly latest: boolean;
    };

/** A value with 4 significant digits, as TensorBoard's tooltips show it. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

const STATUS_ICON: Record<RunStatus, [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'charts.green'],
  failed: ['error', 'charts.red'],
  empty: ['circle-large-outline', undefined],
};

/** The most telling scalars for a description: losses first, then accuracies/F1, then the rest. */
function headline(dir: ModelDir): string | undefined {
  const all: [string, number][] = [];
  for (const run of dir.runs.values())
    for (const tag of run.tags()) {
      const last = run.series.get(tag)!.last();
      if (last) all.push([tag, last.value]);
    }
  const rank = (t: string) => (/loss/i.test(t) ? 0 : /acc|f1|exact|auc|precision|recall/i.test(t) ? 1 : 2);
  all.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  return all.length
    ? all
        .slice(0, 2)
        .map(([t, v]) => `${t} ${formatValue(v)}`)
        .join(' · ')
    : undefined;
}

export function modelDirItem(
  node: Extract<RunsNode, { type: 'modelDir' }>,
  dir: ModelDir | undefined,
): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `runs:${node.root}`;
  item.resourceUri = vscode.Uri.file(node.root);
  item.contextValue = 'runModelDir';
  const status = dir?.status() ?? 'empty';
  const [icon, color] = STATUS_ICON[status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const step = dir?.lastStep;
  const parts = [
    status === 'empty' ? 'no events yet' : status,
    step !== undefined ? `step ${step}${dir?.trainSteps ? `/${dir.trainSteps}` : ''}` : undefined,
    dir ? headline(dir) : undefined,
  ];
  item.description = parts.filter(Boolean).join(' · ');
  const errors = dir ? [...dir.runs.values()].flatMap((r) => r.errors) : [];
  item.tooltip = new vscode.MarkdownString(
    [
      `**${node.label}** — ${status}`,
      '',
      node.root,
      '',
      `From: ${[...node.sources].map((s) => (s === 'launch' ? 'a launch configuration' : s === 'folder' ? 'an added folder' : 'the workspace')).join(', ')}`,
      ...(errors.length ? ['', ...errors.map((e) => `$(error) ${e.message}`)] : []),
    ].join('\n'),
    true,
  );
  item.command = { command: 'modelGarden.runs.openCurves', title: 'Open Curves', arguments: [node] };
  return item;
}

export function runItem(
  node: Extract<RunsNode, { type: 'run' }>,
  dir: ModelDir,
  run: ScalarRun,
): vscode.TreeItem {
  const name = dir.runName(run);
  const item = new vscode.TreeItem(
    name === '.' ? path.basename(run.dir) : name,
    vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = `runs:${node.root}:${node.runDir}`;
  item.iconPath = new vscode.ThemeIcon('graph-line');
  item.contextValue = 'run';
  const errors = run.errors;
  item.description = [
    `${run.events} events`,
    run.lastStep !== undefined ? `step ${run.lastStep}` : undefined,
    errors.length ? `${errors.length} unreadable file${errors.length > 1 ? 's' : ''}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.tooltip = [
    run.dir,
    ...[...run.files.keys()].map((f) => `  ${path.basename(f)}`),
    ...errors.map((e) => e.message),
  ].join('\n');
  return item;
}

export function scalarItem(node: Extract<RunsNode, { type: 'scalar' }>, run: ScalarRun): vscode.TreeItem {
  const series = run.series.get(node.tag);
  const last = series?.last();
  const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
  item.id = `runs:${node.root}:${node.runDir}:${node.tag}`;
  item.iconPath = new vscode.ThemeIcon('symbol-number');
  item.contextValue = 'scalar';
  item.description = last ? `${formatValue(last.value)} @ step ${last.step}` : '';
  item.tooltip = last
    ? `${node.tag}: ${last.value} at step ${last.step} (${new Date(last.wallTime * 1000).toLocaleString()})\n${series!.length} points${series!.segments > 1 ? `, ${series!.segments} segments (restarts)` : ''}`
    : node.tag;
  item.command = { command: 'modelGarden.runs.openCurves', title: 'Open Curves', arguments: [node] };
  return item;
}

export function checkpointItem(node: Extract<RunsNode, { type: 'checkpoint' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(node.prefix), vscode.TreeItemCollapsibleState.None);
  item.id = `runs:ckpt:${node.prefix}`;
  item.resourceUri = vscode.Uri.file(node.prefix + '.index');
  item.iconPath = new vscode.ThemeIcon(node.latest ? 'database' : 'archive');
  item.description = [
    node.step !== undefined ? `step ${node.step}` : undefined,
    node.latest ? 'latest' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  item.contextValue = 'runCheckpoint';
  item.tooltip = node.prefix;
  return item;
}

export function checkpointNodes(root: string, checkpoints: readonly CheckpointInfo[]): RunsNode[] {
  return checkpoints
    .map((c, i) => ({
      type: 'checkpoint' as const,
      root,
      prefix: c.prefix,
      ...(c.step !== undefined ? { step: c.step } : {}),
      latest: i === checkpoints.length - 1,
    }))
    .reverse();
}
