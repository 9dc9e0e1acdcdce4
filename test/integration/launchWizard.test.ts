// The Generate Launch Configuration wizard driven as a user would: every question shows "step N of M",
// Back (VS Code's own quickInputBack command, as the Back button / keybinding) returns to the previous
// question with its answer kept, and the configuration follows the answer changed on the way back.
// The experiment list is the registry of the chosen Python's Model Garden (a real one, with one more
// experiment registered at start-up), and the built-in list without a Model Garden.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXPERIMENTS } from '../../src/core/launch';
import type { WizardInputView } from '../../src/vscode/launch/wizard';
import { skipBecause } from '../fixtures';
import { activateExtension } from './extension';
import { waitFor } from './wait';

interface GenerateResult {
  target: string;
  text?: string;
}

/** The wizard question with this title, once it is open (and its list no longer being read). */
async function question(title: string, timeoutMs = 20_000): Promise<WizardInputView> {
  const api = await activateExtension();
  return waitFor(
    `the wizard to ask "${title}"`,
    () => {
      const view = api.launchWizardInput();
      return view && view.title === title && !view.busy ? view : undefined;
    },
    timeoutMs,
  );
}

/** Lets the extension host send what a test set on the open QuickPick before the workbench acts on it. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function accept(): Promise<void> {
  await flush();
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

async function choose(view: WizardInputView, label: string): Promise<void> {
  view.choose(label);
  await accept();
}

async function type(view: WizardInputView, value: string): Promise<void> {
  view.type(value);
  await accept();
}

/** VS Code's Back (the button's keybinding command). */
async function back(): Promise<void> {
  await flush();
  await vscode.commands.executeCommand('workbench.action.quickInputBack');
}

const GIVEN = {
  model: 'bert_en_uncased_L-12_H-768_A-12',
  source: 'hub',
  target: 'copy',
  modelDir: '/tmp/mg-wizard',
  trainData: '',
  evalData: '',
  vocabFile: '',
};

describe('launch: the wizard (steps, Back, experiments from the registry)', function () {
  this.timeout(5 * 60_000);

  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('every question shows step N of M; Back returns with the earlier answer; the result follows the change', async () => {
    const pending = vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...GIVEN,
    }) as Thenable<GenerateResult | undefined>;
    const seen: { title: string; step?: number; total?: number; back: boolean }[] = [];
    const at = async (title: string) => {
      const view = await question(title, 120_000);
      seen.push({ title, step: view.step, total: view.totalSteps, back: view.hasBack });
      return view;
    };

    // Forward: experiment (squad), mode, run on GPUs, then the number of GPUs.
    await choose(await at('Experiment'), 'bert/squad');
    await choose(await at('Mode'), 'train');
    await choose(await at('Run on'), 'GPUs on this machine');
    const gpus = await at('Number of GPUs');
    assert.deepEqual(
      seen.map((s) => s.step),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      seen.map((s) => s.back),
      [false, true, true, true],
      'Back from the second question on',
    );
    assert.equal(gpus.totalSteps, 4, 'the last question says so');

    // Back three times: each earlier question comes back with its answer highlighted.
    gpus.type('7');
    await back();
    const runOn = await at('Run on');
    assert.equal(runOn.step, 3);
    assert.equal(runOn.active, 'GPUs on this machine');
    await back();
    const mode = await at('Mode');
    assert.equal(mode.active, 'train');
    await back();
    const experiment = await at('Experiment');
    assert.equal(experiment.active, 'bert/squad');
    assert.equal(experiment.hasBack, false, 'nothing before the first question');

    // A different experiment brings its own questions (dataset, classes); later answers are kept.
    await choose(experiment, 'bert/sentence_prediction');
    const dataset = await at('Dataset settings');
    assert.equal(dataset.step, 2);
    await choose(dataset, 'My own dataset');
    const classes = await at('Number of classes (task.model.num_classes)');
    assert.equal(classes.step, 3);
    await type(classes, '5');
    const modeAgain = await at('Mode');
    assert.equal(modeAgain.step, 4);
    assert.equal(modeAgain.active, 'train', 'the answer given before Back is kept');
    await accept();
    const runOnAgain = await at('Run on');
    assert.equal(runOnAgain.active, 'GPUs on this machine');
    await accept();
    const gpusAgain = await at('Number of GPUs');
    assert.equal(gpusAgain.step, 6);
    assert.equal(gpusAgain.totalSteps, 6);
    await type(gpusAgain, '3');

    const result = await pending;
    assert.ok(result?.text, 'the wizard finished');
    for (const s of seen) {
      assert.ok(s.step && s.total && s.step <= s.total, `"${s.title}" shows step ${s.step} of ${s.total}`);
    }
    assert.match(result.text, /--experiment=bert\/sentence_prediction/);
    assert.doesNotMatch(result.text, /bert\/squad/);
    assert.match(result.text, /task\.model\.num_classes=5/);
    assert.match(result.text, /runtime\.num_gpus=3/);
    assert.match(result.text, /--mode=train /);
  });

  it('Back on a typed path returns to the path list; Escape cancels the whole wizard', async () => {
    const given: Record<string, unknown> = { ...GIVEN, experiment: 'bert/tagging', mode: 'train' };
    delete given.modelDir;
    const pending = vscode.commands.executeCommand('modelGarden.launch.generate', {
      ...given,
      distribution: { kind: 'cpu' },
    }) as Thenable<GenerateResult | undefined>;
    const title = 'model_dir (checkpoints, summaries, params.yaml)';
    await choose(await question(title), '$(edit) Type a path or gs:// URL…');
    const typed = await waitFor('the input box', async () => {
      const view = (await activateExtension()).launchWizardInput();
      return view?.kind === 'input' ? view : undefined;
    });
    assert.equal(typed.hasBack, true);
    assert.equal(typed.step, 1);
    await back();
    const list = await question(title);
    assert.equal(list.kind, 'pick');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, undefined, 'cancelled, nothing generated');
  });

  it('the experiment list is the registry of the chosen Python, and the built-in list without a Model Garden', async function () {
    const configured = vscode.workspace.getConfiguration().get<string>('modelGarden.python');
    const settings = vscode.workspace.getConfiguration();
    const given = { ...GIVEN };
    const builtIn = EXPERIMENTS.filter((e) => e.fineTuning || e.task === 'pretraining').map((e) => e.name);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-registry-'));
    try {
      // No Model Garden: the built-in list.
      await settings.update(
        'modelGarden.python',
        path.join(dir, 'no-such-python'),
        vscode.ConfigurationTarget.Workspace,
      );
      let pending = vscode.commands.executeCommand('modelGarden.launch.generate', given);
      const fallback = await question('Experiment');
      assert.deepEqual([...fallback.items].sort(), [...builtIn].sort());
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await pending, undefined);

      if (!configured || !fs.existsSync(configured)) {
        skipBecause(
          this,
          'modelGarden.python is not the oracle venv (set MODEL_GARDEN_ORACLE_PYTHON)',
          'oracle',
        );
      }
      // The real Model Garden with one more experiment registered at interpreter start-up (sitecustomize):
      // only a list read from that Python's registry can hold it.
      fs.writeFileSync(
        path.join(dir, 'sitecustomize.py'),
        [
          'from official.core import config_definitions as cfg, exp_factory',
          "@exp_factory.register_config_factory('wizard_test/registry_only')",
          'def _registry_only():',
          '    return cfg.ExperimentConfig()',
          '',
        ].join('\n'),
      );
      const wrapper = path.join(dir, 'python');
      fs.writeFileSync(
        wrapper,
        `#!/bin/bash\nPYTHONPATH=${JSON.stringify(dir)}\${PYTHONPATH:+:$PYTHONPATH} exec ${JSON.stringify(configured)} "$@"\n`,
      );
      fs.chmodSync(wrapper, 0o755);
      await settings.update('modelGarden.python', wrapper, vscode.ConfigurationTarget.Workspace);
      // An experiment the extension does not describe is built as given: from a checkpoint, not a hub handle.
      pending = vscode.commands.executeCommand('modelGarden.launch.generate', {
        ...given,
        source: 'checkpoint',
        checkpoint: '/tmp/mg-ckpt/bert_model.ckpt',
      });
      const registry = await waitFor(
        'the experiment list read from the registry',
        async () => {
          // Reading the registry imports TensorFlow (twice here: sitecustomize, then the probe).
          const view = await question('Experiment', 180_000);
          return view.items.includes('wizard_test/registry_only') ? view : undefined;
        },
        180_000,
      );
      assert.deepEqual([...registry.items].sort(), [...builtIn, 'wizard_test/registry_only'].sort());
      await choose(registry, 'wizard_test/registry_only');
      await choose(await question('Mode'), 'train');
      await choose(await question('Run on'), 'Local CPU');
      const result = (await pending) as GenerateResult | undefined;
      assert.match(result?.text ?? '', /--experiment=wizard_test\/registry_only/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await settings.update('modelGarden.python', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
