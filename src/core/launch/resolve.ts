// Resolve Configuration: the final experiment config train.py would run, built by the user's own
// Model Garden exactly as train_utils.ExperimentParser does (registered experiment, then every
// --config_file in order with is_strict=True, then --tpu, then --params_override), validated and
// printed as YAML. A failure names the step (and flag) it concerns.
import { parseFlags } from './args';
import { lastJson, PythonRunError, runPython } from './modelGardenPython';

export const RESOLVE_SCRIPT = String.raw`
import json, sys
request = json.loads(sys.argv[1])
try:
    import official  # noqa: F401
except Exception as e:
    print(json.dumps({"error": {"stage": "import", "type": type(e).__name__, "message": str(e)}}))
    sys.exit(0)
version = None
try:
    from importlib import metadata
    for name in ("tf-models-official", "tf-models-nightly"):
        try:
            version = metadata.version(name)
            break
        except metadata.PackageNotFoundError:
            pass
except Exception:
    pass
stage, index = "import", None
try:
    import yaml
    from official.common import registry_imports  # noqa: F401  (what train.py imports)
    from official.core import exp_factory
    from official.modeling import hyperparams
    stage = "experiment"
    params = exp_factory.get_exp_config(request["experiment"])
    for index, config_file in enumerate(request["configFiles"]):
        stage = "config_file"
        params = hyperparams.override_params_dict(params, config_file, is_strict=True)
    index = None
    stage = "tpu"
    params.override({"runtime": {"tpu": request.get("tpu")}})
    if request.get("paramsOverride"):
        stage = "params_override"
        params = hyperparams.override_params_dict(params, request["paramsOverride"], is_strict=True)
    stage = "validate"
    params.validate()
    params.lock()
    print(json.dumps({"yaml": yaml.dump(params.as_dict(), default_flow_style=False), "version": version}))
except Exception as e:
    print(json.dumps({"error": {"stage": stage, "index": index, "type": type(e).__name__,
                                "message": str(e).strip().split("\n")[0][:2000]}, "version": version}))
`;

export interface ResolveRequest {
  readonly experiment: string;
  readonly configFiles: readonly string[];
  readonly paramsOverride?: string;
  readonly tpu?: string;
}

export type ResolveStage = 'import' | 'experiment' | 'config_file' | 'tpu' | 'params_override' | 'validate';

export type ResolveResult = (
  | { readonly ok: true; readonly yaml: string }
  | {
      readonly ok: false;
      readonly stage: ResolveStage;
      /** The position of the --config_file among the config files, for stage `config_file`. */
      readonly index?: number;
      readonly type: string;
      readonly message: string;
    }
) & {
  /** The tf-models-official (or nightly) version of that Python, when installed as a distribution. */
  readonly version?: string;
};

/** What train.py reads from its flags (repeated --config_file in order; the last of the others). */
export function resolveRequest(args: readonly string[]): ResolveRequest | undefined {
  const flags = parseFlags(args);
  const last = (name: string) => flags.filter((f) => f.name === name).at(-1)?.value;
  const experiment = last('experiment');
  if (!experiment) return undefined;
  return {
    experiment,
    configFiles: flags.filter((f) => f.name === 'config_file' && f.value).map((f) => f.value!),
    paramsOverride: last('params_override'),
    tpu: last('tpu'),
  };
}

/** Index (into args) of the flag a failed step concerns, for a diagnostic. */
export function argOfStage(
  args: readonly string[],
  result: Extract<ResolveResult, { ok: false }>,
): number | undefined {
  const flags = parseFlags(args);
  const lastOf = (name: string) => flags.filter((f) => f.name === name).at(-1)?.valueArg;
  switch (result.stage) {
    case 'experiment':
      return lastOf('experiment');
    case 'config_file':
      return flags.filter((f) => f.name === 'config_file' && f.value)[result.index ?? 0]?.valueArg;
    case 'tpu':
      return lastOf('tpu');
    case 'params_override':
    case 'validate':
      return lastOf('params_override') ?? lastOf('experiment');
    default:
      return undefined;
  }
}

/** Runs the resolve script with the user's Python (a child process; TensorFlow loads in it). */
export async function resolveExperimentConfig(
  python: string,
  request: ResolveRequest,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<ResolveResult> {
  const run = await runPython(python, RESOLVE_SCRIPT, [JSON.stringify(request)], options);
  const result = lastJson(run.stdout);
  const version = typeof result?.version === 'string' ? { version: result.version } : {};
  if (result && typeof result.yaml === 'string') return { ok: true, yaml: result.yaml, ...version };
  const error = result?.error as
    { stage: ResolveStage; index: number | null; type: string; message: string } | undefined;
  if (!error) {
    throw new PythonRunError(
      `${python} failed while resolving the configuration (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`,
      'failed',
      run.stderr,
    );
  }
  return {
    ok: false,
    stage: error.stage,
    ...(typeof error.index === 'number' ? { index: error.index } : {}),
    type: error.type,
    message: error.message,
    ...version,
  };
}
