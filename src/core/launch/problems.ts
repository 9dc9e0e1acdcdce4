// Problems found in a train.py invocation: stable codes, a severity and a message a user can act on.

export type Severity = 'error' | 'warning' | 'info';

export const PROBLEM_CODES = {
  'invalid-file': 'error',
  'missing-experiment': 'error',
  'missing-mode': 'error',
  'missing-model-dir': 'error',
  'unknown-experiment': 'error',
  'unknown-mode': 'error',
  'params-override-syntax': 'error',
  'multiple-params-override': 'error',
  'override-unknown-root': 'error',
  'override-non-scalar': 'error',
  'override-needs-quotes': 'warning',
  'init-and-hub': 'error',
  'seq-length-exceeds-positions': 'error',
  'lower-case-mismatch': 'warning',
  'checkpoint-is-file': 'error',
  'checkpoint-folder-empty': 'error',
  'hub-only-with-checkpoint': 'error',
  'path-not-found': 'warning',
  'config-file-misnamed': 'error',
  'encoder-heads-unknown': 'warning',
  'encoder-sizes-unverified': 'warning',
  'checkpoint-path-unset': 'info',
  'config-files-need-repository': 'warning',
  'num-classes-unset': 'error',
  'target-needs-cloud-paths': 'warning',
} as const satisfies Record<string, Severity>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Replaces (or, with `value: null`, removes) one argv element. */
export interface ArgEdit {
  readonly arg: number;
  readonly value: string | null;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly ArgEdit[];
}

export interface Problem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** Index of the argv element (of the flags passed to train.py) the problem is about, if any. */
  readonly arg?: number;
  /** Character range inside that element's value. */
  readonly start?: number;
  readonly end?: number;
  readonly fixes?: readonly Fix[];
}

export function problem(
  code: ProblemCode,
  message: string,
  where: { arg?: number; start?: number; end?: number; fixes?: Fix[] } = {},
): Problem {
  return { code, severity: PROBLEM_CODES[code], message, ...where };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
