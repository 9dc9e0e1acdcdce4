// "Set Download Mirror…" and "Set Cache Location…": write the downloads' settings where they take
// effect (user settings, or the trusted workspace's .vscode/settings.json for a team), then say
// which value is in effect, so a setting never silently does nothing.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DOWNLOAD_KINDS, KIND_LABELS, type DownloadKind } from '../../core/download';
import { settingSource, trustedSetting } from '../settings/trusted';
import { CACHE_LOCATION_SETTING, URL_OVERRIDES_SETTING } from './settings';

export const SET_MIRROR_COMMAND = 'modelGarden.downloads.setMirror';
export const SET_CACHE_COMMAND = 'modelGarden.downloads.setCacheLocation';

type Where = 'user' | 'workspace';

/** Arguments for scripted use (tests, other commands); without them the commands ask. */
export interface SetMirrorArgs {
  /** `*` or a model id. */
  readonly model?: string;
  /** A kind, or `*` for every kind. */
  readonly kind?: DownloadKind | '*';
  /** The URL template; empty removes the mirror. */
  readonly template: string;
  readonly target?: Where;
}

export interface SetCacheArgs {
  /** Absolute folder; empty resets to the default (global storage). */
  readonly folder: string;
  readonly target?: Where;
}

const TARGETS: Record<Where, vscode.ConfigurationTarget> = {
  user: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
};

/** Checks a mirror URL template: http(s), and a valid URL once its placeholders are filled. */
export function mirrorTemplateProblem(template: string): string | undefined {
  const value = template.trim();
  if (!value) return undefined;
  if (!/^https?:\/\//i.test(value)) return 'The mirror must be an http:// or https:// URL.';
  const filled = value.replace(/\$\{(modelId|kind|file)\}/g, 'x');
  if (/\$\{/.test(filled)) return 'Only ${modelId}, ${kind} and ${file} can be used in the URL.';
  try {
    new URL(filled);
  } catch {
    return `"${value}" is not a valid URL.`;
  }
  return undefined;
}

async function askTarget(what: string): Promise<Where | undefined> {
  if (!vscode.workspace.workspaceFolders?.length || !vscode.workspace.isTrusted) return 'user';
  const items: (vscode.QuickPickItem & { where: Where })[] = [
    { label: 'User settings', description: 'every workspace on this machine', where: 'user' },
    {
      label: 'Workspace settings',
      description: '.vscode/settings.json, shared with everyone who opens this project',
      where: 'workspace',
    },
  ];
  return (await vscode.window.showQuickPick(items, { title: `Save the ${what} in…` }))?.where;
}

async function write(key: string, value: unknown, where: Where): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, TARGETS[where]);
}

/** After writing to user settings, warns when a workspace value still wins. */
function reportShadowed(key: string, where: Where, label: string): void {
  const source = settingSource(key);
  if (where === 'user' && (source === 'workspace' || source === 'workspaceFolder')) {
    void vscode.window
      .showWarningMessage(
        `${label} is saved in your user settings, but this workspace's settings set ${key} too and win here.`,
        'Open Workspace Settings',
      )
      .then(
        (choice) => choice && vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile'),
      );
  }
}

export async function setMirror(args?: SetMirrorArgs): Promise<Record<string, string> | undefined> {
  let model = args?.model ?? '*';
  let kind = args?.kind;
  let template = args?.template;
  if (template === undefined) {
    const items: (vscode.QuickPickItem & { scope: DownloadKind | '*' })[] = [
      { label: 'Every download', description: '*/*', scope: '*' },
      ...DOWNLOAD_KINDS.map((k) => ({
        label: `${KIND_LABELS[k]} downloads`,
        description: `*/${k}`,
        scope: k,
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Set Download Mirror: which downloads go to the mirror?',
    });
    if (!picked) return undefined;
    kind = picked.scope;
    model = '*';
    const current = trustedSetting<Record<string, string>>(URL_OVERRIDES_SETTING)?.[`${model}/${kind}`];
    template = await vscode.window.showInputBox({
      title: `Mirror URL for ${picked.description}`,
      prompt:
        'The URL of a .tar.gz; ${file} is the catalog file name, ${modelId} the model id, ${kind} checkpoint/hub/tokenizer. Empty removes the mirror.',
      value: current ?? 'https://mirror.example/${file}',
      validateInput: mirrorTemplateProblem,
    });
    if (template === undefined) return undefined;
  }
  const problem = mirrorTemplateProblem(template);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return undefined;
  }
  const where = args?.target ?? (await askTarget('mirror'));
  if (!where) return undefined;
  const key = `${model}/${kind ?? '*'}`;
  const inspected = vscode.workspace
    .getConfiguration()
    .inspect<Record<string, string>>(URL_OVERRIDES_SETTING);
  const existing = (where === 'user' ? inspected?.globalValue : inspected?.workspaceValue) ?? {};
  const next: Record<string, string> = { ...existing };
  if (template.trim()) next[key] = template.trim();
  else delete next[key];
  await write(URL_OVERRIDES_SETTING, Object.keys(next).length ? next : undefined, where);
  reportShadowed(URL_OVERRIDES_SETTING, where, 'The mirror');
  if (args === undefined) {
    void vscode.window.showInformationMessage(
      template.trim()
        ? `Downloads matching ${key} now come from ${template.trim()} (${where} settings).`
        : `Mirror for ${key} removed (${where} settings).`,
    );
  }
  return trustedSetting<Record<string, string>>(URL_OVERRIDES_SETTING);
}

export async function setCacheLocation(args?: SetCacheArgs): Promise<string | undefined> {
  let folder = args?.folder;
  if (folder === undefined) {
    const current = trustedSetting<string>(CACHE_LOCATION_SETTING)?.trim();
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use as Model Cache',
      title: 'Folder for downloaded checkpoints, SavedModels and tokenizers',
      ...(current ? { defaultUri: vscode.Uri.file(current.replace(/^~(?=$|[\\/])/, os.homedir())) } : {}),
    });
    if (!picked?.[0]) return undefined;
    folder = picked[0].fsPath;
  }
  const expanded = folder.trim().replace(/^~(?=$|[\\/])/, os.homedir());
  if (expanded && !path.isAbsolute(expanded)) {
    void vscode.window.showErrorMessage(`The cache location must be an absolute folder, not "${folder}".`);
    return undefined;
  }
  const where = args?.target ?? (await askTarget('cache location'));
  if (!where) return undefined;
  await write(CACHE_LOCATION_SETTING, folder.trim() || undefined, where);
  reportShadowed(CACHE_LOCATION_SETTING, where, 'The cache location');
  if (args === undefined)
    void vscode.window.showInformationMessage(
      `Model cache: ${expanded || 'the default folder'} (${where} settings).`,
    );
  return trustedSetting<string>(CACHE_LOCATION_SETTING);
}
