// A task the wizard writes into tasks.json runs in VS Code (vscode.tasks.executeTask) with the
// oracle venv's Python (modelGarden.python, set by scripts/run-integration.cjs) and the real
// trainer, and finishes with exit code 0; meanwhile Training Runs lists its model_dir and the Curves
// panel's loss chart grows while it trains. Inputs: test/oracle/trainer_inputs.py (tiny SavedModel,
// TFRecords and a few-step config, made longer here by overrides).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../fixtures';
import { activateExtension } from './extension';
import { oraclePythonSetting } from './oraclePython';
import { waitFor } from './wait';

interface Inputs {
  hub: string;
  config_file: string;
  sentence_train: string;
}

function trainerInputs(python: string): Promise<Inputs> {
  const script = path.join(repoRoot, 'test', 'oracle', 'trainer_inputs.py');
  const out = path.join(repoRoot, 'test', 'oracle', '.artifacts', 'launch');
  return new Promise((resolve, reject) =>
    execFile(python, [script, '--out', out], { maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Inputs),
    ),
  );
}

describe('launch: a wizard-written task runs in VS Code', function () {
  it('tasks.json entry from Generate Launch Configuration runs official.nlp.train to exit code 0, its curves growing in Training Runs', async function () {
    this.timeout(20 * 60_000);
    const python = oraclePythonSetting(this);
    const { runs } = await activateExtension();
    // Long enough that the loss is drawn several times while the job runs (a summary every step).
    const steps = 150;
    const inputs = await trainerInputs(python!);
    const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-task-'));
    const name = 'MG tiny sentence prediction (task)';
    const result = (await vscode.commands.executeCommand('modelGarden.launch.generate', {
      model: 'bert_en_uncased_L-12_H-768_A-12',
      source: 'hub',
      hub: inputs.hub,
      experiment: 'bert/sentence_prediction',
      numClasses: 3,
      experimentConfig: false,
      mode: 'train',
      distribution: { kind: 'cpu' },
      target: 'task',
      modelDir,
      trainData: inputs.sentence_train,
      configFiles: [inputs.config_file],
      overrides: [
        { key: 'trainer.train_steps', value: steps },
        { key: 'trainer.checkpoint_interval', value: steps },
      ],
      name,
      replace: true,
    })) as { file?: string; problems: { code: string; severity: string }[] } | undefined;
    assert.ok(result?.file?.endsWith('tasks.json'), JSON.stringify(result));
    assert.deepEqual(
      result!.problems.filter((p) => p.severity === 'error'),
      [],
      'a fresh configuration carries no error',
    );
    // VS Code picks tasks.json up through its file watcher: wait until it has read the new entry.
    const task = await waitFor(
      'VS Code to read the task from tasks.json',
      async () => (await vscode.tasks.fetchTasks()).find((t) => t.name === name),
      30_000,
    );
    assert.ok(task, 'VS Code reads the task from tasks.json');
    // Training Runs knows the model_dir from the generated configuration before the job writes anything.
    assert.ok((await runs.refresh()).includes(modelDir), "the task's model_dir is a run");
    const panel = await runs.openCurves(modelDir);
    assert.ok(panel, 'the Curves panel opens');
    let running = true;
    /** Loss points drawn while the task was still running, in order. */
    const drawnWhileRunning: number[] = [];
    const loss = () => panel.rendered?.charts.find((c) => c.tag === 'training_loss')?.points;
    const drawing = panel.onDidRender(() => {
      const points = loss();
      if (running && points !== undefined && points !== drawnWhileRunning.at(-1))
        drawnWhileRunning.push(points);
    });
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution.task.name !== name) return;
        listener.dispose();
        resolve(event.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    const exitCode = await ended;
    running = false;
    assert.equal(exitCode, 0, 'the trainer exits 0');
    // Every step's loss is drawn in the end, and the chart had fewer points at least once before.
    await waitFor(
      `all ${steps} loss points (drawn: ${JSON.stringify(panel.rendered?.charts)})`,
      () => (loss() === steps ? true : undefined),
      60_000,
    );
    drawing.dispose();
    console.log(`      loss points drawn while training: ${drawnWhileRunning.join(', ')} (of ${steps})`);
    assert.ok(
      drawnWhileRunning.some((n) => n > 0 && n < steps),
      `the loss chart grew while training (point counts drawn while it ran: ${JSON.stringify(drawnWhileRunning)})`,
    );
    const run = await waitFor('the finished status', () => {
      const status = runs.provider.modelDir(modelDir)?.status();
      return status === 'finished' ? status : undefined;
    });
    assert.equal(run, 'finished');
    panel.panel.dispose();
    assert.ok(
      fs.readdirSync(modelDir).some((f) => f.startsWith('ckpt-')),
      'the run wrote a checkpoint to model_dir',
    );
    fs.rmSync(modelDir, { recursive: true, force: true });
  });
});
