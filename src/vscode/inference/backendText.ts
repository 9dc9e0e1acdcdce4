// What the status bar says about the inference backend: its name, why a backend before it was skipped, and a
// warning with the reason when `auto` fell back past a backend that should have started or a requested backend
// could not start.
// No `vscode` import, so unit tests check it in Node.

export interface BackendStatusText {
  readonly text: string;
  readonly tooltip: string;
  /** Drawn with the warning background. */
  readonly warning: boolean;
}

/** Why the backends `auto` tried first were skipped, one sentence; undefined when none was. */
export function skippedText(fallbacks: readonly string[] | undefined): string | undefined {
  return fallbacks?.length ? `Skipped ${fallbacks.join('; ')}.` : undefined;
}

export function backendStatusText(choice: {
  readonly label: string;
  readonly warning?: string;
  readonly fallbacks?: readonly string[];
}): BackendStatusText {
  if (choice.warning) {
    return {
      text: `$(warning) TF.js: ${choice.label}`,
      tooltip: `Model Garden inference runs on ${choice.label}.\n${choice.warning}`,
      warning: true,
    };
  }
  const skipped = skippedText(choice.fallbacks);
  return {
    text: `$(pulse) TF.js: ${choice.label}`,
    tooltip:
      `Model Garden inference runs on ${choice.label} (setting modelGarden.inference.backend).` +
      (skipped ? `\n${skipped}` : ''),
    warning: false,
  };
}

export function backendErrorText(error: unknown): BackendStatusText {
  const message = error instanceof Error ? error.message : String(error);
  return {
    text: '$(error) TF.js: no backend',
    tooltip: `Model Garden inference cannot run: ${message}`,
    warning: true,
  };
}
