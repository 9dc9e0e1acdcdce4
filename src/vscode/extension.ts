import * as vscode from 'vscode';
import type { ModelGardenApi } from './api';
import { registerCatalog } from './catalog/register';
import { registerCheckpoints } from './checkpoints/register';
import { registerCli } from './cli/register';
import { registerDownloads } from './downloads/register';
import { registerInference } from './inference/register';
import { registerLaunch } from './launch/register';
import { registerRuns } from './runs/register';
import { sentCommands } from './launch/terminal';
import { wizardInput } from './launch/wizard';
import { registerTokenization } from './tokenize/register';
import { trustRefusals } from './trust';

export type { ModelGardenApi } from './api';

// Each feature registers itself with one call; heavy work (TensorFlow.js, checkpoint reads, tokenizing
// large texts) is loaded lazily and off this thread, never during activation.
export function activate(context: vscode.ExtensionContext): ModelGardenApi {
  const started = performance.now();
  const api: ModelGardenApi = {
    activationMs: 0,
    catalog: registerCatalog(context),
    checkpoints: registerCheckpoints(context),
    cli: registerCli(context),
    downloads: registerDownloads(context),
    inference: registerInference(context),
    tokenization: registerTokenization(context),
    runs: registerRuns(context),
    trustRefusals,
    terminalCommands: sentCommands,
    // Only the tests drive the wizard through the API.
    launchWizardInput: () =>
      context.extensionMode === vscode.ExtensionMode.Test ? wizardInput() : undefined,
  };
  api.downloads.attachToCatalog(api.catalog.provider);
  registerLaunch(context, { downloadedCheckpoint: (id) => api.downloads.checkpointPrefix(id) });
  api.activationMs = performance.now() - started;
  return api;
}

export function deactivate(): void {}
