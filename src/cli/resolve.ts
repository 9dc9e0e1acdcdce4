// `model-garden resolve FILE`: the final experiment config of a train.py call in a launch.json,
// tasks.json or shell script, built by the user's Python with the Model Garden's own code, as train.py
// builds it. Relative `configs/…` files that a pip install does not have are read from the Model
// Garden's YAML files for the installed version, downloaded with --get-configs (as the extension's Get
// the Model Garden's Config Files does) into a store beside the model cache.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from '../core/download';
import {
  detectKind,
  downloadConfigFiles,
  findInvocations,
  invocationCwd,
  MODELS_RAW_BASE_URL,
  PythonRunError,
  resolveRequest,
  resolveWithConfigStore,
  type FileKind,
  type StoreResolveOutcome,
} from '../core/launch';
import { UsageError, type CliIo } from './io';
import { readLaunchFileArg } from './validate';

export const usage =
  'model-garden resolve FILE [--index N] [--kind launch|tasks|shell] [--python P] [--get-configs] [--config-store DIR] [--config-base-url URL] [--json]';

/** The default store of downloaded config files: beside the model cache. */
export function defaultConfigStore(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(defaultCacheDir(env), 'model-garden-configs');
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      index: { type: 'string' },
      kind: { type: 'string' },
      python: { type: 'string' },
      'get-configs': { type: 'boolean', default: false },
      'config-store': { type: 'string' },
      'config-base-url': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1)
    throw new UsageError(`Give one launch.json, tasks.json or shell script.\nUsage: ${usage}`);
  const file = positionals[0];
  if (values.kind !== undefined && !['launch', 'tasks', 'shell'].includes(values.kind))
    throw new UsageError('--kind must be launch, tasks or shell');
  const kind = (values.kind as FileKind | undefined) ?? detectKind(file);
  if (!kind)
    throw new UsageError(
      `${file}: not a launch.json, tasks.json or shell script (*.sh); say which with --kind`,
    );
  const index = values.index === undefined ? 0 : Number(values.index);
  if (!Number.isInteger(index) || index < 0) throw new UsageError('--index must be 0 or more');
  const baseUrl = values['config-base-url'] ?? MODELS_RAW_BASE_URL;
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError('--config-base-url must be an http(s) URL');

  const text = readLaunchFileArg(file, 'file to resolve');
  const invocations = findInvocations(text, kind);
  const invocation = invocations[index];
  if (!invocation)
    throw new UsageError(
      invocations.length === 0
        ? `${file}: no train.py call found`
        : `${file}: --index ${index}, but the file has ${invocations.length} train.py call(s)`,
      1,
    );
  const request = resolveRequest(invocation.args.map((a) => a.value));
  if (!request) throw new UsageError(`${file}: this train.py call has no --experiment to resolve`, 1);
  const absolute = path.resolve(file);
  const inVscode = path.basename(path.dirname(absolute)) === '.vscode';
  const cwd = invocationCwd(invocation, {
    kind,
    path: absolute,
    workspaceFolder: inVscode ? path.dirname(path.dirname(absolute)) : path.dirname(absolute),
  });
  const python = values.python ?? 'python3';
  const store = path.resolve(values['config-store'] ?? defaultConfigStore());

  let outcome: StoreResolveOutcome;
  try {
    outcome = await resolveWithConfigStore(python, request, { cwd, store });
    const result = outcome.result;
    const missing = outcome.missing;
    if (
      !result.ok &&
      result.stage === 'config_file' &&
      outcome.version &&
      missing.length > 0 &&
      values['get-configs']
    ) {
      io.err(
        `Downloading the Model Garden's config files for tf-models-official ${outcome.version} into ${store}…`,
      );
      await downloadConfigFiles({
        store,
        version: outcome.version,
        needed: missing,
        baseUrl,
        onFile: (shipped, i, total) => io.err(`  ${i + 1}/${total} ${shipped}`),
      });
      outcome = await resolveWithConfigStore(python, request, { cwd, store, version: outcome.version });
    }
  } catch (error) {
    if (error instanceof PythonRunError) throw new UsageError(error.message, 1);
    throw error;
  }

  const result = outcome.result;
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ok: result.ok,
          ...(result.ok
            ? { yaml: result.yaml }
            : {
                stage: result.stage,
                index: result.index ?? null,
                type: result.type,
                message: result.message,
              }),
          version: outcome.version ?? null,
          replaced: outcome.replaced,
          missing: outcome.missing,
        },
        null,
        2,
      ),
    );
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    io.err(`train.py would fail (${result.stage}): ${result.type}: ${result.message}`);
    if (result.stage === 'config_file' && outcome.version && outcome.missing.length > 0)
      io.err(
        `${outcome.missing.join(', ')} ${outcome.missing.length > 1 ? 'are' : 'is'} not there, and tf-models-official ` +
          `${outcome.version} ships no configs/*.yaml: add --get-configs to download the Model Garden's files for it.`,
      );
    return 1;
  }
  for (const r of outcome.replaced)
    io.err(
      `${r.from} read from ${r.to}; train.py will not find it where it runs: pass --config_file=${r.to}`,
    );
  io.out(result.yaml.replace(/\n$/, ''));
  return 0;
}
