// `npm run watch` output for VS Code's background task (.vscode/tasks.json): one line when a rebuild
// starts, one when every bundle is done, and each error or warning on two lines the task's problem
// matcher reads. The bundles rebuild in parallel; the lines cover them all.

export const BEGIN_LINE = '[watch] build started';
export const END_LINE = '[watch] build finished';

/** The two lines of one esbuild message: `✘ [ERROR] text` then `    file:line:column:`. */
export function formatMessage(severity, message) {
  const head = `${severity === 'error' ? '✘ [ERROR]' : '▲ [WARNING]'} ${message.text}`;
  const location = message.location;
  return location
    ? `${head}\n    ${location.file}:${location.line}:${location.column + 1}:`
    : `${head}\n    (no location):0:0:`;
}

/**
 * An esbuild plugin for every bundle, sharing one counter so that begin/end frame the whole rebuild.
 * `hold()`/`release()` keep the first build open while the bundles' watchers start one by one.
 */
export function watchReporter(log = (line) => console.log(line)) {
  let running = 0;
  const start = () => {
    if (running++ === 0) log(BEGIN_LINE);
  };
  const finish = () => {
    if (--running === 0) log(`${END_LINE} (${new Date().toLocaleTimeString()})`);
  };
  return {
    hold: start,
    release: finish,
    plugin: {
      name: 'model-garden-watch-reporter',
      setup(build) {
        build.onStart(start);
        build.onEnd((result) => {
          for (const error of result.errors) log(formatMessage('error', error));
          for (const warning of result.warnings) log(formatMessage('warning', warning));
          finish();
        });
      },
    },
  };
}
