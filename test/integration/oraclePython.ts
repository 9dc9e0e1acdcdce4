// The oracle venv's Python as the integration run configures it (`modelGarden.python`, set by
// scripts/run-integration.cjs from MODEL_GARDEN_ORACLE_PYTHON or the venv it finds); a test that
// needs it skips with the reason, which CI turns into a failure.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { skipBecause } from '../fixtures';

export function oraclePythonSetting(context: Mocha.Context): string {
  const python = vscode.workspace.getConfiguration().get<string>('modelGarden.python');
  if (!python || !fs.existsSync(python)) {
    skipBecause(
      context,
      'modelGarden.python is not the oracle venv (set MODEL_GARDEN_ORACLE_PYTHON)',
      'oracle',
    );
  }
  return python!;
}
