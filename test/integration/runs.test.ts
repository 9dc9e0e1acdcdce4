import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunsNode } from '../../src/vscode/runs/nodes';
import { curvesCsv } from '../../src/vscode/runs/panel';
import { eventFileBytes, scalarEvent, writeEventFile } from '../support/eventWriter';
import { assertStrictCsp } from './csp';
import { activateExtension } from './extension';
import { waitFor } from './wait';

describe('training runs in VS Code', () => {
  let root: string;
  let job: string;
  let trainFile: string;
  const created: string[] = [];

  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) this.skip();
    root = folder.uri.fsPath;
    job = path.join(root, 'runs', 'job1');
    fs.mkdirSync(path.join(job, 'train'), { recursive: true });
    fs.mkdirSync(path.join(job, 'validation'), { recursive: true });
    created.push(path.join(root, 'runs'));
    trainFile = path.join(job, 'train', 'events.out.tfevents.1700000000.host.1.v2');
    writeEventFile(trainFile, [
      { wallTime: 1.7e9, fileVersion: 'brain.Event:2' },
      scalarEvent(1, 'training_loss', 2),
      scalarEvent(2, 'training_loss', 1.5),
      scalarEvent(3, 'training_loss', 1.25),
    ]);
    writeEventFile(path.join(job, 'validation', 'events.out.tfevents.1700000000.host.2.v2'), [
      scalarEvent(3, 'cls_accuracy', 0.5),
    ]);
    fs.writeFileSync(path.join(job, 'params.yaml'), 'trainer:\n  train_steps: 10\n');
    await activateExtension();
  });

  after(() => {
    for (const p of created) fs.rmSync(p, { recursive: true, force: true });
  });

  it('lists a workspace model_dir with its runs, last step and latest scalars', async () => {
    const { runs } = await activateExtension();
    const roots = await runs.refresh();
    assert.ok(roots.includes(job), `have ${roots.join(', ')}`);
    const nodes = await runs.provider.getChildren();
    const node = nodes.find((n) => n.root === job)!;
    const item = runs.provider.getTreeItem(node);
    assert.equal(item.label, path.join('runs', 'job1'));
    assert.match(
      String(item.description),
      /^running · step 3\/10 · training_loss 1\.25 · cls_accuracy 0\.5$/,
    );
    const children = await runs.provider.getChildren(node);
    assert.deepEqual(
      children.map((c) => runs.provider.getTreeItem(c).label),
      ['train', 'validation'],
    );
    const scalars = await runs.provider.getChildren(children[0]);
    assert.equal(runs.provider.getTreeItem(scalars[0]).description, '1.25 @ step 3');
  });

  it("the Curves panel has a strict Content-Security-Policy with a fresh nonce, and only the extension's files", async function () {
    this.timeout(60_000);
    const { runs } = await activateExtension();
    const first = await runs.openCurves(job);
    assert.ok(first);
    const { html, cspSource } = first.panel.webview;
    assertStrictCsp(html, cspSource);
    first.panel.dispose();
    const second = await runs.openCurves(job);
    assert.ok(second && second !== first);
    assertStrictCsp(second.panel.webview.html, cspSource);
    const nonce = (page: string) => /'nonce-([^']+)'/.exec(page)?.[1];
    assert.notEqual(nonce(second.panel.webview.html), nonce(html), 'a new panel reuses the old nonce');
  });

  it('appending events while the Curves panel is open updates the tree and the drawn chart', async function () {
    this.timeout(60_000);
    const { runs } = await activateExtension();
    const panel = await runs.openCurves(job);
    assert.ok(panel);
    const first = await waitFor('the first chart', () =>
      panel.rendered?.charts.find((c) => c.tag === 'training_loss' && c.points === 3),
    );
    assert.equal(first.series, 2, 'smoothed and raw line of one run');
    assert.deepEqual(
      panel.rendered!.charts.map((c) => c.tag),
      ['cls_accuracy', 'training_loss'],
    );
    const reads: number[] = [];
    const counting = runs.provider.onDidPoll((p) => {
      if (p.root === job) reads.push(p.bytesRead);
    });
    const appended = eventFileBytes([
      scalarEvent(4, 'training_loss', 1),
      scalarEvent(5, 'training_loss', 0.75),
    ]);
    fs.appendFileSync(trainFile, appended);
    // The file watcher (or the poll while a job runs) reads the new records; the webview draws them.
    await waitFor('the appended points in the chart', () =>
      panel.rendered?.charts.find((c) => c.tag === 'training_loss' && c.points === 5),
    );
    counting.dispose();
    assert.equal(
      reads.reduce((a, b) => a + b, 0),
      appended.length,
      `the view read only the appended bytes (reads: ${reads.join(', ')})`,
    );
    assert.deepEqual(panel.lastSend, { type: 'append', points: 2 }, 'the panel got only the new points');
    const node = (await runs.provider.getChildren()).find((n) => n.root === job)!;
    const [train] = await runs.provider.getChildren(node);
    const [loss] = await runs.provider.getChildren(train);
    assert.equal(runs.provider.getTreeItem(loss).description, '0.75 @ step 5');
    // Exports: the chart as PNG (drawn by the webview) and the data as CSV.
    const png = await panel.png('training_loss');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 1000, `${png.length} bytes`);
    const csv = curvesCsv(panel.data().runs, ['training_loss']).trim().split('\n');
    assert.equal(csv[0], 'run,tag,segment,step,wall_time,value');
    assert.equal(csv.length, 6);
    assert.equal(csv[5], `${path.join('runs', 'job1')}/train,training_loss,0,5,${1.7e9 + 5},0.75`);
  });

  it('a Curves panel restored after a reload reopens on the same model_dir and draws the same charts', async function () {
    this.timeout(60_000);
    const { runs } = await activateExtension();
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'model-garden-nlp')!;
    assert.ok(
      (extension.packageJSON.activationEvents as string[]).includes('onWebviewPanel:modelGarden.curves'),
      'VS Code activates the extension to restore the panel',
    );
    const panel = await runs.openCurves(job);
    assert.ok(panel);
    const shown = await waitFor('charts', () =>
      panel.rendered?.charts.some((c) => c.tag === 'training_loss') ? panel.rendered : undefined,
    );
    assert.deepEqual(shown.state.roots, [job], 'the webview saved the model_dir it shows');
    panel.panel.dispose();
    await waitFor('the panel closed', () => (runs.curvesPanel() ? undefined : true));
    // What VS Code does after a reload: a new panel of the view type, handed to the serializer with
    // the state the webview saved.
    const restored = vscode.window.createWebviewPanel(
      'modelGarden.curves',
      'Model Garden: Curves',
      vscode.ViewColumn.Active,
      {},
    );
    const revived = await runs.reviveCurves(restored, JSON.parse(JSON.stringify(shown.state)));
    assert.ok(revived);
    assert.equal(runs.curvesPanel(), revived);
    assert.deepEqual(revived.shownRoots, [job]);
    const again = await waitFor('the restored charts', () =>
      revived.rendered?.charts.length ? revived.rendered : undefined,
    );
    assert.deepEqual(again.charts, shown.charts);
    assert.equal(revived.panel.title, `Curves: ${path.join('runs', 'job1')}`);
    // A state that names no folder (or not a path) opens nothing.
    const empty = vscode.window.createWebviewPanel('modelGarden.curves', 'x', vscode.ViewColumn.Active, {});
    const none = await runs.reviveCurves(empty, { roots: ['relative/path', 42] });
    assert.deepEqual(none?.shownRoots, []);
    none?.panel.dispose();
  });

  it('a generated launch configuration names a model_dir that appears before the job writes, then fills', async function () {
    this.timeout(60_000);
    const { runs } = await activateExtension();
    const launched = path.join(root, 'runs', 'launched');
    const vscodeDir = path.join(root, '.vscode');
    fs.mkdirSync(vscodeDir, { recursive: true });
    const launchFile = path.join(vscodeDir, 'launch.json');
    const previous = fs.existsSync(launchFile) ? fs.readFileSync(launchFile) : undefined;
    fs.writeFileSync(
      launchFile,
      JSON.stringify({
        version: '0.2.0',
        configurations: [
          {
            name: 'train',
            type: 'debugpy',
            request: 'launch',
            module: 'official.nlp.train',
            args: ['--mode=train', '--model_dir=${workspaceFolder}/runs/launched'],
          },
        ],
      }),
    );
    try {
      const roots = await runs.refresh();
      assert.ok(roots.includes(launched), `have ${roots.join(', ')}`);
      const node = (await runs.provider.getChildren()).find(
        (n): n is Extract<RunsNode, { type: 'modelDir' }> => n.root === launched,
      )!;
      assert.equal(runs.provider.getTreeItem(node).description, 'no events yet');
      assert.ok(node.sources.has('launch'));
      fs.mkdirSync(path.join(launched, 'train'), { recursive: true });
      writeEventFile(path.join(launched, 'train', 'events.out.tfevents.1700000000.h.3.v2'), [
        scalarEvent(7, 'training_loss', 0.5),
      ]);
      await waitFor('the launched job in the view', async () => {
        const n = (await runs.provider.getChildren()).find((x) => x.root === launched);
        const d = n && String(runs.provider.getTreeItem(n).description);
        return d?.includes('step 7') ? d : undefined;
      });
    } finally {
      if (previous) fs.writeFileSync(launchFile, previous);
      else fs.rmSync(launchFile);
    }
  });
});
