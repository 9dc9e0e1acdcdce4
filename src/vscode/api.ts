import type { CatalogApi } from './catalog/register';
import type { CheckpointsApi } from './checkpoints/register';
import type { CliApi } from './cli/register';
import type { DownloadsApi } from './downloads/register';
import type { InferenceApi } from './inference/register';
import type { RunsApi } from './runs/register';
import type { SentCommand } from './launch/terminal';
import type { WizardInputView } from './launch/wizard';
import type { TokenizationApi } from './tokenize/register';
import type { TrustRefusal } from './trust';

/**
 * What `activate` returns: used by other extensions and by the integration tests to observe state
 * (tree contents, decorations, results) without scraping the UI.
 */
export interface ModelGardenApi {
  /** Milliseconds `activate` took, measured inside it. */
  activationMs: number;
  readonly catalog: CatalogApi;
  readonly checkpoints: CheckpointsApi;
  readonly cli: CliApi;
  readonly downloads: DownloadsApi;
  readonly inference: InferenceApi;
  readonly tokenization: TokenizationApi;
  readonly runs: RunsApi;
  /** Actions refused because the workspace is untrusted (Restricted Mode), oldest first. */
  trustRefusals(): readonly TrustRefusal[];
  /** train.py commands typed into terminals (recorded only when the extension runs in Test mode). */
  terminalCommands(): readonly SentCommand[];
  /** The Generate Launch Configuration question open now, if any (Test mode only: tests drive the wizard with it). */
  launchWizardInput(): WizardInputView | undefined;
}
