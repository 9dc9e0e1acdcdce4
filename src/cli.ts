// The `model-garden` command-line tool: terminals and scripts over the same core as the extension.
import { commandHelp, wantsHelp } from './cli/help';
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
  resolve: async () => import('./cli/resolve'),
  tokenize: async () => import('./cli/tokenize'),
  runs: async () => import('./cli/runs'),
  scalars: async () => import('./cli/scalars'),
};

/** Every subcommand's name, in the order `--help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

function help(): string {
  return ['Usage: model-garden <command> [options]', '', 'Commands:'].join('\n');
}

const HELP_FOOTER = '\nRun "model-garden <command> --help" for what a command does and its options.';

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0 && Object.hasOwn(COMMANDS, rest[0])) {
    io.out(commandHelp(rest[0], (await COMMANDS[rest[0]]()).usage));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const usages = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).usage));
    const text = [help(), ...usages.map((u) => '  ' + u), HELP_FOOTER].join('\n');
    if (name) io.out(text);
    else io.err(text);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`model-garden: unknown command "${name}". Run "model-garden --help".`);
    return 2;
  }
  const command = await load();
  if (wantsHelp(rest)) {
    io.out(commandHelp(name, command.usage));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    if (error instanceof UsageError) {
      io.err(`model-garden ${name}: ${printableLines(error.message)}`);
      return error.exitCode;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(
        `model-garden ${name}: ${error.message}\nUsage: ${command.usage}\nRun "model-garden ${name} --help" for the options.`,
      );
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
