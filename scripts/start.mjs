// `npm start`: code-server on 127.0.0.1 (port from PORT, default 8080) with the extension loaded
// from this folder and a sample workspace. Runs until Ctrl+C.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { repoRoot, startCodeServer, workbenchUrl } = require('./code-server.cjs');

const port = Number(process.env.PORT || 8080);
const workspace =
  process.env.MODEL_GARDEN_WORKSPACE || path.join(os.tmpdir(), 'model-garden-sample-workspace');
if (!fs.existsSync(workspace))
  fs.cpSync(path.join(repoRoot, 'test', 'workspace'), workspace, { recursive: true });

const server = await startCodeServer({
  port,
  workspace,
  logFile: path.join(os.tmpdir(), 'model-garden-code-server.log'),
});
const url = workbenchUrl(server, { folder: workspace });
console.log(
  `Model Garden NLP is running in VS Code at:\n  ${url}\n(workspace ${workspace}; Ctrl+C stops it)`,
);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
