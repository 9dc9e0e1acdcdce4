// The `model-garden` command-line tool: terminals and scripts over the same core as the extension.
import { OutputClosedError, processIo, UsageError, type CliIo } from './cli/io';
import { printableLines } from './core/text/printable';

interface Command {
  readonly usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Subcommands, loaded on demand so that `catalog` does not pay for TensorFlow.js. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  catalog: async () => import('./cli/catalog'),
  bench: async () => import('./cli/bench'),
  infer: async () => import('./cli/infer'),
  inspect: async () => import('./cli/inspect'),
  download: async () => import('./cli/download'),
  cache: async () => import('./cli/cache'),
  launch: async () => import('./cli/launch'),
  validate: async () => import('./cli/validate'),
  tokenize: async () => import('./cli/tokenize'),
};

function help(): string {
  return ['Usage: model-garden <command> [options]', '', 'Commands:'].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const usages = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).usage));
    io.out([help(), ...usages.map((u) => '  ' + u)].join('\n'));
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`model-garden: unknown command "${name}". Run "model-garden --help".`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    if (error instanceof UsageError) {
      io.err(`model-garden ${name}: ${printableLines(error.message)}`);
      return error.exitCode;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`model-garden ${name}: ${error.message}\nUsage: ${command.usage}`);
      return 2;
    }
    // Messages can quote file contents: no control characters or escapes reach the terminal.
    io.err(`model-garden ${name}: ${printableLines(error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}

/**
 * `model-garden … | head -1`: when the reader closes the pipe, exit quietly (no EPIPE stack trace),
 * keeping the exit code so far.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

if (require.main === module) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
