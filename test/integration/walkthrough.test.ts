// The Get Started walkthrough: contributed, every step's buttons run registered commands, every
// completion event names a registered command or a contributed view, every step's page exists, and
// the walkthrough opens in the workbench.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './extension';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  steps: Step[];
}

const WALKTHROUGH = 'modelGarden.gettingStarted';

describe('Get Started walkthrough', () => {
  let walkthrough: Walkthrough;
  let extensionPath: string;
  let views: Set<string>;

  before(async () => {
    await activateExtension();
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    extensionPath = extension.extensionPath;
    const contributes = (
      extension.packageJSON as {
        contributes: { walkthroughs?: Walkthrough[]; views: Record<string, { id: string }[]> };
      }
    ).contributes;
    const found = contributes.walkthroughs?.find((w) => w.id === WALKTHROUGH);
    assert.ok(found, `walkthrough ${WALKTHROUGH} is not contributed`);
    walkthrough = found;
    views = new Set(Object.values(contributes.views).flatMap((list) => list.map((v) => v.id)));
  });

  it('walks through catalog, tokenizer, tokenization, launch configuration and inference', () => {
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['catalog', 'tokenizer', 'tokenization', 'launch', 'inference'],
    );
  });

  it("every step's buttons run registered commands and its completion events can happen", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `step ${step.id} has no command button`);
      for (const id of links) assert.ok(commands.has(id), `step ${step.id}: command ${id} is not registered`);
      assert.ok(step.completionEvents?.length, `step ${step.id} has no completion event`);
      for (const event of step.completionEvents) {
        const [kind, target] = event.split(':');
        if (kind === 'onCommand')
          assert.ok(commands.has(target), `step ${step.id}: ${event} names an unregistered command`);
        else if (kind === 'onView') assert.ok(views.has(target), `step ${step.id}: ${event} names no view`);
        else assert.fail(`step ${step.id}: unexpected completion event ${event}`);
      }
      // A step completes when the user does what its button does.
      assert.ok(
        links.some((id) => step.completionEvents!.includes(`onCommand:${id}`)) ||
          step.completionEvents.some((e) => e.startsWith('onView:')),
        `step ${step.id}: none of its buttons completes it`,
      );
    }
  });

  it("every step's page is packaged with the extension", () => {
    for (const step of walkthrough.steps) {
      const page = step.media.markdown;
      assert.ok(page, `step ${step.id} has no markdown page`);
      const file = path.join(extensionPath, page);
      assert.ok(fs.existsSync(file), `${page} is missing`);
      assert.match(fs.readFileSync(file, 'utf8'), /^# /, `${page} has no heading`);
    }
  });

  it('opens in the workbench', async () => {
    await vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      `${EXTENSION_ID}#${WALKTHROUGH}`,
      false,
    );
    // The Welcome page is an editor; give it a moment to appear among the tabs.
    const deadline = Date.now() + 10_000;
    const welcomeOpen = () =>
      vscode.window.tabGroups.all.some((g) =>
        g.tabs.some((t) => /welcome|walkthrough|get started/i.test(t.label)),
      );
    while (!welcomeOpen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(welcomeOpen(), 'the walkthrough did not open');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
