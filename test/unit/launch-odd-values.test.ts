// Values that used to be mangled on their way into a launch target: a repository path ending in a
// backslash (a file-name character outside Windows), a tab in model_dir inside the Vertex AI YAML.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { requireModel } from '../../src/core/catalog';
import { buildSpec, toLaunchConfiguration, toVertexCustomJob, type TrainSpec } from '../../src/core/launch';
import { skipBecause } from '../fixtures';

function spec(root: string | undefined, modelDir = 'gs://bucket/out'): TrainSpec {
  return buildSpec({
    model: requireModel('bert_en_uncased_L-12_H-768_A-12'),
    source: 'hub',
    experiment: 'bert/squad',
    mode: 'train',
    modelDir,
    repository: { layout: 'program', root },
  }).spec;
}

describe('launch: odd values reach the target intact', () => {
  it('a POSIX repository path ending in a backslash keeps it in program, cwd and PYTHONPATH', () => {
    const config = toLaunchConfiguration(spec('/srv/models\\'), 'x') as {
      program: string;
      cwd: string;
      env: Record<string, string>;
    };
    assert.equal(config.program, '/srv/models\\/official/nlp/train.py');
    assert.equal(config.cwd, '/srv/models\\/official/nlp');
    assert.equal(config.env.PYTHONPATH, '/srv/models\\');
  });

  it('a trailing separator is dropped where it is one: "/" anywhere, "\\" in a Windows path', () => {
    const program = (root: string) => (toLaunchConfiguration(spec(root), 'x') as { program: string }).program;
    assert.equal(program('/srv/models/'), '/srv/models/official/nlp/train.py');
    assert.equal(program('C:\\models\\'), 'C:\\models/official/nlp/train.py');
    assert.equal(program('\\\\server\\share\\models\\'), '\\\\server\\share\\models/official/nlp/train.py');
    assert.equal(program('${workspaceFolder}/models/'), '${workspaceFolder}/models/official/nlp/train.py');
  });

  const modelDir = 'gs://bucket/run\t1 "q" \\ é';

  it('Vertex AI YAML with a tab in model_dir parses back (yaml package) to the exact argv', () => {
    const yaml = toVertexCustomJob(spec(undefined, modelDir), { imageUri: 'img' });
    const parsed = parseYaml(yaml) as {
      workerPoolSpecs: { containerSpec: { args: string[] } }[];
    };
    assert.ok(parsed.workerPoolSpecs[0].containerSpec.args.includes(`--model_dir=${modelDir}`));
  });

  it('Vertex AI YAML with a tab in model_dir parses back in PyYAML (what gcloud reads)', function () {
    // The oracle venv has PyYAML (tf-models-official needs it); else the system python3.
    const python = process.env.MODEL_GARDEN_ORACLE_PYTHON ?? 'python3';
    const probe = spawnSync(python, ['-c', 'import yaml'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) skipBecause(this, `${python} with PyYAML is not available`);
    const yaml = toVertexCustomJob(spec(undefined, modelDir), { imageUri: 'img' });
    const run = spawnSync(
      python,
      [
        '-c',
        'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)["workerPoolSpecs"][0]["containerSpec"]["args"]))',
      ],
      { input: yaml, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.ok((JSON.parse(run.stdout) as string[]).includes(`--model_dir=${modelDir}`), run.stdout);
  });
});
