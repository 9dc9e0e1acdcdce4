// Reads train.py's flags from an argv list the way absl does: `--name=value`, `--name value`
// (also with a single dash), repeated flags kept in order.

export interface FlagUse {
  readonly name: string;
  /** Undefined for a flag with no value (`--flag` at the end). */
  readonly value: string | undefined;
  /** Index of the element holding `--name`. */
  readonly arg: number;
  /** Index of the element holding the value (same as `arg` for `--name=value`). */
  readonly valueArg: number;
  /** Offset of the value inside that element. */
  readonly valueOffset: number;
}

/** Flags train.py defines that take a value. */
export const VALUE_FLAGS: readonly string[] = [
  'experiment',
  'mode',
  'model_dir',
  'config_file',
  'params_override',
  'gin_file',
  'gin_params',
  'tpu',
  'tf_data_service',
  'pretrain_steps',
  'tfhub_cache_dir',
  'tpu_platform',
  'tfhub_handle',
];

export function parseFlags(args: readonly string[]): FlagUse[] {
  const flags: FlagUse[] = [];
  for (let i = 0; i < args.length; i++) {
    const match = /^--?([A-Za-z_][\w]*)(=)?/.exec(args[i]);
    if (!match) continue;
    const name = match[1];
    if (match[2]) {
      flags.push({
        name,
        value: args[i].slice(match[0].length),
        arg: i,
        valueArg: i,
        valueOffset: match[0].length,
      });
    } else if (args[i] === match[0] && VALUE_FLAGS.includes(name) && i + 1 < args.length) {
      flags.push({ name, value: args[i + 1], arg: i, valueArg: i + 1, valueOffset: 0 });
      i++;
    } else if (args[i] === match[0]) {
      flags.push({ name, value: undefined, arg: i, valueArg: i, valueOffset: match[0].length });
    }
  }
  return flags;
}

/** Replaces the value part of a flag element, keeping `--name=`. */
export function withFlagValue(args: readonly string[], flag: FlagUse, value: string): string {
  return args[flag.valueArg].slice(0, flag.valueOffset) + value;
}
