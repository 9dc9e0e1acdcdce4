// The one place oracle-tier tests get real TensorFlow and the real Model Garden: the venv that
// scripts/setup-oracle.sh makes (created on first use, saying so), and the artifacts that
// test/oracle/generate.py writes with the Model Garden's own code (reused while their inputs are unchanged).
// Without Python 3.10+ and venv the caller is skipped with the reason, or fails in CI
// (MODEL_GARDEN_REQUIRE_ORACLE=1 / MODEL_GARDEN_REQUIRE_ALL=1).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, skipBecause } from '../fixtures';

let python: string | undefined;
let pythonProblem: string | undefined;

/** The oracle venv's python, creating the venv on first use; skips (or fails in CI) when Python is missing. */
export function oraclePython(context: Mocha.Context): string {
  if (python) return python;
  if (!pythonProblem) {
    const given = process.env.MODEL_GARDEN_ORACLE_PYTHON;
    if (given) {
      python = given;
      return given;
    }
    const setup = spawnSync('bash', [path.join(repoRoot, 'scripts', 'setup-oracle.sh')], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    const last = setup.stdout?.trim().split('\n').pop() ?? '';
    if (setup.status === 0 && last && fs.existsSync(last)) {
      python = last;
      return last;
    }
    if (setup.status !== 3) {
      throw new Error(`scripts/setup-oracle.sh failed (exit ${setup.status}); see its output above`);
    }
    pythonProblem = 'Python 3.10+ with venv is not available, so the TensorFlow oracle tier cannot run';
  }
  return skipBecause(context, pythonProblem, 'oracle');
}

/** Runs a Python script of test/oracle with the oracle venv; returns stdout, throws with stderr on failure. */
export function runOracleScript(
  context: Mocha.Context,
  script: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): string {
  const py = oraclePython(context);
  const result = spawnSync(py, [path.join(repoRoot, 'test', 'oracle', script), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 20 * 60_000,
    maxBuffer: 1 << 30,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', CUDA_VISIBLE_DEVICES: '' },
  });
  if (result.status !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}

/** Folder of generated artifacts (ignored by git); generate.py reuses it while its inputs are unchanged. */
export const artifactsDir = path.join(repoRoot, 'test', 'oracle', '.artifacts');

let generated = false;

/** The artifacts written by the Model Garden's own code, generated on first use. */
export function oracleArtifacts(context: Mocha.Context): string {
  // A folder of artifacts made earlier, used as it is (no Python needed).
  const given = process.env.MODEL_GARDEN_ORACLE_ARTIFACTS;
  if (given) return given;
  if (!generated) {
    process.stderr.write(
      '    oracle: generating artifacts with tf-models-official (reused while unchanged)\n',
    );
    runOracleScript(context, 'generate.py', ['--out', artifactsDir]);
    generated = true;
  }
  return artifactsDir;
}
