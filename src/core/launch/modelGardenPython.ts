// Asks the user's own Python about its Model Garden: where the installed `official` package is, its
// version, and the experiments its registry holds (what official/nlp/train.py accepts). Runs as a
// child process (TensorFlow's import takes seconds), never on the caller's thread.
import { execFile } from 'node:child_process';

/** Prints one JSON object: {official, version, experiments?} or {error: 'no-official', message}. */
export const PROBE_SCRIPT = String.raw`
import json, os, sys
try:
    import official
except Exception as e:
    print(json.dumps({"error": "no-official", "message": "%s: %s" % (type(e).__name__, e)}))
    sys.exit(0)
out = {"official": os.path.dirname(os.path.abspath(official.__file__)), "version": None}
try:
    from importlib import metadata
    for name in ("tf-models-official", "tf-models-nightly"):
        try:
            out["version"] = metadata.version(name)
            break
        except metadata.PackageNotFoundError:
            pass
except Exception:
    pass
if "--experiments" in sys.argv:
    from official.core import exp_factory
    # The NLP experiments official/nlp/train.py registers (official.common.registry_imports imports
    # this module; it also registers vision experiments, which are not NLP).
    import official.nlp.configs.experiment_configs  # noqa: F401
    def walk(node, prefix):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from walk(value, prefix + [key])
            else:
                yield "/".join(prefix + [key])
    out["experiments"] = sorted(walk(exp_factory._REGISTERED_CONFIGS, []))
print(json.dumps(out))
`;

export interface ModelGardenProbe {
  /** The installed `official` package folder. */
  readonly official: string;
  /** The tf-models-official (or nightly) version, when installed as a distribution. */
  readonly version: string | null;
  /** Registered experiment names, when asked for. */
  readonly experiments?: readonly string[];
}

export class PythonRunError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'failed' | 'no-official' | 'bad-output',
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'PythonRunError';
  }
}

export interface PythonRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `python -c script args…` asynchronously; rejects only when Python cannot be started. */
export function runPython(
  python: string,
  script: string,
  args: readonly string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-c', script, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ...options.env },
        timeout: options.timeoutMs ?? 10 * 60_000,
        maxBuffer: 64 << 20,
        signal: options.signal,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new PythonRunError(`Python "${python}" was not found`, 'not-found'));
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The last line of stdout that is a JSON object (TensorFlow may print before it). */
export function lastJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not the result line
    }
  }
  return undefined;
}

/** What this Python's Model Garden is; `experiments` lists its registry (imports TensorFlow). */
export async function probeModelGarden(
  python: string,
  options: { experiments?: boolean; cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<ModelGardenProbe> {
  const run = await runPython(python, PROBE_SCRIPT, options.experiments ? ['--experiments'] : [], options);
  const result = lastJson(run.stdout);
  if (result?.error === 'no-official') {
    throw new PythonRunError(
      `${python} cannot import the Model Garden (\`official\`): ${String(result.message)}. ` +
        'Install it with `pip install tf-models-official` or point modelGarden.python at a Python that has it.',
      'no-official',
    );
  }
  if (run.code !== 0 || !result || typeof result.official !== 'string') {
    throw new PythonRunError(
      `${python} failed while reading the Model Garden (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`,
      run.code !== 0 ? 'failed' : 'bad-output',
      run.stderr,
    );
  }
  return {
    official: result.official,
    version: typeof result.version === 'string' ? result.version : null,
    experiments: Array.isArray(result.experiments) ? (result.experiments as string[]) : undefined,
  };
}
