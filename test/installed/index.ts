// The extension host's entry for the installed-package smoke suite (extensionTestsPath =
// out/test/installed), run by the package tier against the .vsix installed into a fresh profile.
import { runSuite } from '../integration/runSuite';

export function run(): Promise<void> {
  return runSuite(__dirname, 'installed');
}
