// Where scripts/setup-oracle.sh puts the oracle venv (outside the repository), for benchmarks that use
// TensorFlow as a peer without running the setup themselves.
import * as os from 'node:os';
import * as path from 'node:path';

export function oracleVenvPython(): string {
  if (process.env.MODEL_GARDEN_ORACLE_PYTHON) return process.env.MODEL_GARDEN_ORACLE_PYTHON;
  const venv =
    process.env.MODEL_GARDEN_ORACLE_VENV ??
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
      'model-garden-nlp',
      'oracle-venv',
    );
  return path.join(venv, 'bin', 'python');
}
