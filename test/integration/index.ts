// The extension host's entry for the integration suite (extensionTestsPath = out/test/integration).
import { runSuite } from './runSuite';

export function run(): Promise<void> {
  return runSuite(__dirname, 'integration');
}
