import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireModel } from '../../src/core/catalog';
import {
  buildSpec,
  joinCommand,
  quoteBash,
  quoteCmd,
  quotePowerShell,
  specArgv,
  toTerminalCommand,
  toTpuVmCommand,
} from '../../src/core/launch';

/** Values that break naive quoting. */
const HARD = [
  'plain',
  '',
  'with space',
  "it's",
  'say "hi"',
  '$HOME and ${HOME}',
  '%PATH% and %%',
  'a,b,c',
  'C:\\Program Files\\models\\bert_model.ckpt',
  'C:\\trailing\\',
  'C:\\my models\\',
  'back\\"slash',
  '`backtick` $(echo no)',
  '!bang ^caret &amp |pipe <in >out (paren)',
  '*.tf_record ?x [ab]',
  '~/home',
  'tab\there',
  'ünïcödé 中文',
  "--params_override=task.init_checkpoint='C:\\m\\bert_model.ckpt',task.train_data.input_path='a*,b*'",
  '@splat',
  '--%',
  '#comment',
  '‘curly’',
  '{brace}',
  'semi;colon',
];

/** argv as bash sees it: runs `printf '%s\0'` over the quoted words. */
function bashArgv(command: string): string[] {
  const run = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\0').slice(0, -1);
}

/**
 * A decoder of PowerShell command arguments as the language spec defines them for what we emit:
 * bare words and verbatim single-quoted strings (`''` and typographic quotes doubled).
 */
function powershellArgv(command: string): string[] {
  const out: string[] = [];
  let i = 0;
  const isQuote = (ch: string) => ch.length === 1 && "'\u2018\u2019\u201a\u201b".includes(ch);
  // A line that starts with a quoted string is an expression that prints the string; only the call
  // operator `&` runs it as a command.
  const called = command.startsWith('& ');
  if (called) i = 2;
  assert.ok(called || !isQuote(command[0] ?? ''), `a quoted program without & is not run: ${command}`);
  while (i < command.length) {
    if (command[i] === ' ') {
      i++;
      continue;
    }
    if (isQuote(command[i])) {
      let value = '';
      i++;
      for (;;) {
        assert.ok(i < command.length, 'unterminated string');
        if (isQuote(command[i])) {
          if (isQuote(command[i + 1] ?? '')) {
            value += command[i];
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += command[i++];
      }
      assert.ok(i >= command.length || command[i] === ' ', 'a quoted string must end its argument');
      out.push(value);
    } else {
      let value = '';
      while (i < command.length && command[i] !== ' ') value += command[i++];
      assert.match(
        value,
        /^[A-Za-z0-9_+=:./\\-]+$/,
        `bare PowerShell word with special characters: ${value}`,
      );
      assert.ok(!value.startsWith('--%'), 'stop-parsing token');
      out.push(value);
    }
  }
  return out;
}

/** cmd.exe's caret pass followed by the C runtime's argv rules (CommandLineToArgvW, post-2008). */
function cmdArgv(command: string): string[] {
  // Every metacharacter must be caret-escaped, so cmd never sees an unescaped one.
  let afterCmd = '';
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '^') {
      afterCmd += command[++i];
      continue;
    }
    assert.ok(!'()%!"<>&|'.includes(command[i]), `unescaped cmd metacharacter ${command[i]} in ${command}`);
    afterCmd += command[i];
  }
  const out: string[] = [];
  let i = 0;
  while (i < afterCmd.length) {
    while (afterCmd[i] === ' ' || afterCmd[i] === '\t') i++;
    if (i >= afterCmd.length) break;
    let value = '';
    let quoted = false;
    while (i < afterCmd.length && (quoted || (afterCmd[i] !== ' ' && afterCmd[i] !== '\t'))) {
      let slashes = 0;
      while (afterCmd[i] === '\\') {
        slashes++;
        i++;
      }
      if (afterCmd[i] === '"') {
        value += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) {
          value += '"';
          i++;
        } else if (quoted && afterCmd[i + 1] === '"') {
          value += '"';
          i += 2;
        } else {
          quoted = !quoted;
          i++;
        }
      } else {
        value += '\\'.repeat(slashes);
        if (i < afterCmd.length && (quoted || (afterCmd[i] !== ' ' && afterCmd[i] !== '\t')))
          value += afterCmd[i++];
      }
    }
    out.push(value);
  }
  return out;
}

describe('launch: shell quoting', () => {
  it('bash: every hard value reaches the program unchanged (checked by running bash)', () => {
    assert.deepEqual(bashArgv(`printf '%s\\0' ${HARD.map(quoteBash).join(' ')}`), HARD);
  });

  it('bash: leaves safe words bare and quotes the rest', () => {
    assert.equal(quoteBash('--mode=train'), '--mode=train');
    assert.equal(quoteBash('gs://b/c,d'), 'gs://b/c,d');
    assert.notEqual(quoteBash('$HOME'), '$HOME');
  });

  it('PowerShell: every hard value decodes back (verbatim strings)', () => {
    const command = joinCommand('powershell', ['python', ...HARD]);
    assert.deepEqual(powershellArgv(command), ['python', ...HARD]);
    // A program path that needs quotes is run through the call operator.
    const program = 'C:\\Program Files\\Python 3.12\\python.exe';
    const called = joinCommand('powershell', [program, '--mode=train']);
    assert.deepEqual(powershellArgv(called), [program, '--mode=train']);
    assert.ok(called.startsWith("& '"), called);
    assert.equal(quotePowerShell('a,b'), "'a,b'");
    assert.equal(quotePowerShell('$x'), "'$x'");
  });

  it('cmd: every hard value decodes back through the caret pass and the C runtime rules', () => {
    const values = HARD.filter((v) => v !== '');
    for (const value of values) assert.deepEqual(cmdArgv(quoteCmd(value)), [value], value);
    assert.deepEqual(cmdArgv(quoteCmd('')), ['']);
    assert.equal(quoteCmd('%PATH%'), '^%PATH^%');
  });

  describe('terminal commands from a spec', () => {
    const model = requireModel('bert_en_cased_L-12_H-768_A-12');
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mg launch 'q' $x "));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const spec = () =>
      buildSpec({
        model,
        source: 'checkpoint',
        checkpoint: path.join(dir, "it's $HOME", 'bert_model.ckpt'),
        experiment: 'bert/squad',
        mode: 'train_and_eval',
        modelDir: path.join(dir, 'out 100%'),
        trainData: 'a*,b*',
        evalData: path.join(dir, 'dev-v1.1.json'),
        vocabFile: 'C:\\vocab dir\\vocab.txt',
        distribution: {
          kind: 'multi-worker',
          workers: 2,
          gpusPerWorker: 4,
          workerHosts: ['h1:2222', 'h2:2222'],
          taskIndex: 1,
        },
        repository: { layout: 'program', root: dir },
      }).spec;

    for (const multiline of [false, true]) {
      it(`bash${multiline ? ' (multi-line)' : ''}: the command runs with the spec's argv, cwd and PYTHONPATH`, () => {
        const s = spec();
        const command = toTerminalCommand(s, 'bash', { multiline });
        fs.mkdirSync(path.join(dir, 'official', 'nlp'), { recursive: true });
        const stub = `python3() { printf '%s\\0' "$PWD" "$PYTHONPATH" "$@"; }; `;
        const argv = bashArgv(stub + command);
        assert.deepEqual(argv, [path.join(dir, 'official/nlp'), dir, ...specArgv(s).slice(1)]);
      });
    }

    it('PowerShell and cmd: the flags decode back to the spec argv', () => {
      const s = { ...spec(), cwd: undefined, env: {} };
      assert.deepEqual(powershellArgv(toTerminalCommand(s, 'powershell')), [
        'python',
        ...specArgv(s).slice(1),
      ]);
      assert.deepEqual(cmdArgv(toTerminalCommand(s, 'cmd')), ['python', ...specArgv(s).slice(1)]);
    });

    it('Cloud TPU VM: the remote command survives two rounds of bash parsing', () => {
      const s = buildSpec({
        model,
        source: 'hub',
        experiment: 'bert/sentence_prediction',
        mode: 'train',
        modelDir: 'gs://bucket/out',
        trainData: "gs://bucket/it's,data*",
        distribution: { kind: 'tpu', name: 'my-tpu' },
      }).spec;
      const command = toTpuVmCommand(s, {
        tpuName: 'my-tpu',
        zone: 'us-central1-a',
        repositoryOnVm: '/opt/models',
      });
      const outer = bashArgv(command.replace(/^gcloud/, "printf '%s\\0' gcloud"));
      assert.deepEqual(outer.slice(0, 8), [
        'gcloud',
        'compute',
        'tpus',
        'tpu-vm',
        'ssh',
        'my-tpu',
        '--zone=us-central1-a',
        '--worker=all',
      ]);
      const remote = outer[8].replace(/^--command=/, '');
      const inner = bashArgv(`python3() { printf '%s\\0' "$PYTHONPATH" "$@"; }; cd() { :; }; ${remote}`);
      assert.equal(inner[0], '/opt/models');
      assert.ok(inner.includes('--tpu=local'));
      const flags = inner.slice(2);
      const expected = specArgv({ ...s, tpu: 'local' }).slice(2);
      assert.deepEqual(flags, expected);
    });
  });
});
