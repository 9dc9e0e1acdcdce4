// The extension host's entry for the Restricted Mode suite: the same extension, Workspace Trust on and
// refused, so the workspace is untrusted (`node scripts/run-integration.cjs --restricted`).
import { runSuite } from '../integration/runSuite';

export function run(): Promise<void> {
  return runSuite(__dirname, 'restricted');
}
