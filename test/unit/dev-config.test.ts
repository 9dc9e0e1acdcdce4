// The repository's F5 setup (.vscode/launch.json, .vscode/tasks.json): it parses, every task it names
// exists, every npm script and file it runs exists, and the watch task's problem matcher reads what
// `npm run watch` prints (scripts/watch-reporter.mjs). The package leaves .vscode/ out.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { repoRoot } from '../fixtures';

interface Task {
  label: string;
  type?: string;
  script?: string;
  command?: string;
  args?: string[];
  isBackground?: boolean;
  dependsOn?: string[];
  problemMatcher?: unknown;
}
interface BackgroundMatcher {
  fileLocation: [string, string];
  pattern: { regexp: string; message?: number; file?: number; line?: number; column?: number }[];
  background: { beginsPattern: string; endsPattern: string };
}
interface Reporter {
  BEGIN_LINE: string;
  END_LINE: string;
  formatMessage(
    severity: 'error' | 'warning',
    message: { text: string; location: { file: string; line: number; column: number } | null },
  ): string;
  watchReporter(log: (line: string) => void): {
    hold(): void;
    release(): void;
    plugin: { setup(build: Record<string, (callback: (result?: unknown) => void) => void>): void };
  };
}

function readJsonc<T>(file: string): T {
  const errors: ParseError[] = [];
  const value = parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'), errors, {
    allowTrailingComma: false,
  }) as T;
  assert.deepEqual(errors, [], `${file} does not parse`);
  return value;
}

// TypeScript compiles import() to require(); the reporter is an ES module.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

describe('developer setup (.vscode/)', () => {
  const launch = readJsonc<{
    configurations: { name: string; type: string; args: string[]; preLaunchTask?: string }[];
  }>('.vscode/launch.json');
  const tasks = readJsonc<{ tasks: Task[] }>('.vscode/tasks.json').tasks;
  const labels = new Set(tasks.map((t) => t.label));
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const expand = (value: string) => value.replaceAll('${workspaceFolder}', repoRoot);

  it('has Run Extension (after the watch build) and Extension Tests', () => {
    const run = launch.configurations.find((c) => c.name === 'Run Extension');
    const tests = launch.configurations.find((c) => c.name === 'Extension Tests');
    assert.ok(run && tests);
    assert.equal(run.type, 'extensionHost');
    assert.equal(tests.type, 'extensionHost');
    assert.ok(run.args.includes('--extensionDevelopmentPath=${workspaceFolder}'));
    const dependsOnWatch = (label: string | undefined): boolean => {
      const task = tasks.find((t) => t.label === label);
      return !!task && (task.label === 'watch' || (task.dependsOn ?? []).some(dependsOnWatch));
    };
    assert.ok(dependsOnWatch(run.preLaunchTask), 'Run Extension does not start the watch build');
    const testsPath = tests.args.find((a) => a.startsWith('--extensionTestsPath='));
    assert.equal(testsPath, '--extensionTestsPath=${workspaceFolder}/out/test/integration');
    // out/test/integration/index.js is compiled from this file.
    assert.ok(fs.existsSync(path.join(repoRoot, 'test', 'integration', 'index.ts')));
  });

  it('names only tasks, npm scripts and files that exist', () => {
    for (const config of launch.configurations) {
      if (config.preLaunchTask) assert.ok(labels.has(config.preLaunchTask), config.preLaunchTask);
    }
    for (const task of tasks) {
      for (const dependency of task.dependsOn ?? []) assert.ok(labels.has(dependency), dependency);
      if (task.type === 'npm') assert.ok(task.script && scripts[task.script], `npm script ${task.script}`);
      if (task.type === 'process') {
        const script = task.args?.find((a) => a.endsWith('.mjs') || a.endsWith('.js'));
        assert.ok(script && fs.existsSync(path.join(repoRoot, script)), `${task.label}: ${script}`);
      }
    }
    const watch = tasks.find((t) => t.label === 'watch')!;
    assert.equal(watch.isBackground, true);
    assert.match(scripts[watch.script!], /esbuild\.config\.mjs --watch/);
    for (const config of launch.configurations) {
      for (const arg of config.args.filter((a) => a.includes('${workspaceFolder}/test/'))) {
        assert.ok(fs.existsSync(expand(arg.replace(/^--[\w-]+=/, ''))), arg);
      }
    }
  });

  it("the watch task's problem matcher reads what the watch build prints", async () => {
    const reporter = (await importEsm(
      path
        .join(repoRoot, 'scripts', 'watch-reporter.mjs')
        .replaceAll('\\', '/')
        .replace(/^(?!\/)/, '/'),
    )) as Reporter;
    const matcher = tasks.find((t) => t.label === 'watch')!.problemMatcher as BackgroundMatcher;
    assert.deepEqual(matcher.fileLocation, ['relative', '${workspaceFolder}']);

    // One begin and one end line frame a rebuild of all bundles, even when they finish one by one.
    const lines: string[] = [];
    const { hold, release, plugin } = reporter.watchReporter((line) => lines.push(line));
    const hooks: { start: (() => void)[]; end: ((result: unknown) => void)[] } = { start: [], end: [] };
    for (let i = 0; i < 2; i++) {
      plugin.setup({
        onStart: (callback) => hooks.start.push(callback as () => void),
        onEnd: (callback) => hooks.end.push(callback),
      });
    }
    hold();
    hooks.start.forEach((start) => start());
    hooks.end[0]({
      errors: [{ text: 'Could not resolve "x"', location: { file: 'src/a.ts', line: 3, column: 6 } }],
      warnings: [],
    });
    hooks.end[1]({ errors: [], warnings: [] });
    release();
    const begins = new RegExp(matcher.background.beginsPattern);
    const ends = new RegExp(matcher.background.endsPattern);
    const output = lines.join('\n').split('\n');
    assert.equal(output.filter((l) => begins.test(l)).length, 1, output.join('\n'));
    assert.equal(output.filter((l) => ends.test(l)).length, 1, output.join('\n'));
    assert.ok(ends.test(output[output.length - 1]), 'the end line comes last');

    // The two-line error is one problem with file, line and column.
    const [first, second] = matcher.pattern.map((p) => new RegExp(p.regexp));
    const at = output.findIndex((l) => first.test(l));
    assert.ok(at >= 0, 'no error line matched');
    assert.equal(first.exec(output[at])![matcher.pattern[0].message!], 'Could not resolve "x"');
    const location = second.exec(output[at + 1]);
    assert.ok(location, `no location line after ${output[at]}`);
    assert.equal(location[matcher.pattern[1].file!], 'src/a.ts');
    assert.equal(location[matcher.pattern[1].line!], '3');
    assert.equal(location[matcher.pattern[1].column!], '7');
    assert.ok(begins.test(reporter.BEGIN_LINE) && ends.test(reporter.END_LINE));
  });

  it('leaves .vscode/ out of the package and ships the walkthrough pages', function () {
    this.timeout(60_000);
    const files = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
      { cwd: repoRoot, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);
    assert.deepEqual(
      files.filter((f) => f.startsWith('.vscode')),
      [],
    );
    for (const page of fs.readdirSync(path.join(repoRoot, 'media', 'walkthrough'))) {
      assert.ok(files.includes(`media/walkthrough/${page}`), `media/walkthrough/${page} is not packaged`);
    }
  });
});
