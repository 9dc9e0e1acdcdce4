// Every command contributed in package.json has a handler in src/vscode, and every command the
// extension registers is contributed. (The integration suite checks the same against the live host.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../fixtures';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings?: { command: string }[];
    viewsWelcome?: { contents: string }[];
  };
  activationEvents: string[];
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
}

function registeredCommands(): Set<string> {
  const ids = new Set<string>();
  for (const file of sourceFiles(path.join(repoRoot, 'src', 'vscode'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/register(?:TextEditor)?Command\(\s*['"`]([\w.]+)['"`]/g))
      ids.add(match[1]);
  }
  return ids;
}

describe('package.json contributions', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command);

  it('every contributed command has a handler', () => {
    const registered = registeredCommands();
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
  });

  it('every registered command is contributed', () => {
    assert.deepEqual(
      [...registeredCommands()].filter((id) => !contributed.includes(id)),
      [],
    );
  });

  it('every command has a title, the Model Garden category and a codicon', () => {
    for (const command of manifest.contributes.commands) {
      assert.ok(command.title, command.command);
      assert.equal(command.category, 'Model Garden', command.command);
      assert.match(command.icon ?? '', /^\$\([\w-]+\)$/, command.command);
    }
  });

  it('menus, keybindings and welcome links name contributed commands only', () => {
    const referenced = [
      ...Object.values(manifest.contributes.menus)
        .flat()
        .map((m) => m.command),
      ...(manifest.contributes.keybindings ?? []).map((k) => k.command),
      ...(manifest.contributes.viewsWelcome ?? []).flatMap((w) =>
        [...w.contents.matchAll(/command:([\w.]+)/g)].map((m) => m[1]),
      ),
    ];
    assert.deepEqual(
      referenced.filter((id) => !contributed.includes(id)),
      [],
    );
  });

  it('hides the catalog item commands from the palette (they need a model)', () => {
    const paletteHidden = new Set(
      (manifest.contributes.menus.commandPalette ?? [])
        .filter((m) => m.when === 'false')
        .map((m) => m.command),
    );
    for (const id of ['copyCheckpointUrl', 'copyHubHandle', 'openOnHub']) {
      assert.ok(paletteHidden.has(`modelGarden.catalog.${id}`), id);
    }
  });

  it('shows download actions on catalog rows only where they apply', () => {
    // The contextValue words are those the catalog and downloads features write; VS Code evaluates
    // `viewItem =~ /re/` with a JavaScript RegExp, as here.
    const items = manifest.contributes.menus['view/item/context'].filter((m) =>
      m.command.startsWith('modelGarden.downloads.'),
    );
    const shown = (contextValue: string) =>
      items
        .filter((m) => new RegExp(/viewItem =~ \/(.*)\/$/.exec(m.when ?? '')![1]).test(contextValue))
        .map((m) => m.command.replace('modelGarden.downloads.', ''))
        .sort();
    assert.deepEqual(shown('model hasCheckpoint hasHub'), [
      'downloadCheckpoint',
      'downloadHub',
      'downloadTokenizer',
    ]);
    assert.deepEqual(shown('model hasCheckpoint hasHub downloaded downloaded-tokenizer'), [
      'delete',
      'downloadCheckpoint',
      'downloadHub',
      'reveal',
    ]);
    assert.deepEqual(shown('model hasHub downloading'), ['cancel', 'downloadHub', 'downloadTokenizer']);
    // While a kind downloads, its Download is hidden (the other kinds stay).
    assert.deepEqual(shown('model hasCheckpoint hasHub downloading downloading-checkpoint'), [
      'cancel',
      'downloadHub',
      'downloadTokenizer',
    ]);
  });

  it('activates only through contributions, a restored panel, or files that train.py diagnostics check', () => {
    // A panel restored after a reload needs onWebviewPanel; the launch diagnostics must be there when a
    // shell script, launch.json or tasks.json is opened, before any Model Garden view or command is used.
    // Activation itself stays cheap (measured in the integration suite): everything heavy loads lazily.
    const allowed = [
      /^onWebviewPanel:modelGarden\./,
      /^onLanguage:shellscript$/,
      /^workspaceContains:\.vscode\/(launch|tasks)\.json$/,
    ];
    assert.deepEqual(
      manifest.activationEvents.filter((event) => !allowed.some((pattern) => pattern.test(event))),
      [],
    );
  });
});
