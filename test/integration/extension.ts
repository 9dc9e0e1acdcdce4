import * as vscode from 'vscode';
import type { ModelGardenApi } from '../../src/vscode/api';

export const EXTENSION_ID = 'model-garden-nlp.model-garden-nlp';

/** Activates the extension under test (in the real extension host) and returns its API. */
export async function activateExtension(): Promise<ModelGardenApi> {
  const extension = vscode.extensions.getExtension<ModelGardenApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}
