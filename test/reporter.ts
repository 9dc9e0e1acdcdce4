// Mocha's spec reporter plus one closing line, `<suite>: N passed, N failed, N skipped`, that CI reads.
import * as Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const label =
      (options?.reporterOptions as { label?: string } | undefined)?.label ??
      process.env.MOCHA_LABEL ??
      'tests';
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      console.log(`${label}: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
    });
  }
}

export = CountingReporter;
