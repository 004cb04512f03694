import { runStep, setOutputs } from '@oaktree/action-kit';
import { readConfig } from './inputs.js';

export const ACTION = 'guard-validate';

/** Inputs are read and checked before the engine, yaml and the GitHub client are loaded. */
export async function run(): Promise<void> {
  let outputsSet = false;
  await runStep(ACTION, async () => {
    try {
      const config = readConfig();
      const { execute } = await import('./execute.js');
      await execute(config, { onOutputs: () => (outputsSet = true) });
    } finally {
      // Outputs are always set, on failure too (a bad input still says nothing passed).
      if (!outputsSet)
        setOutputs({
          violations: '0',
          'files-scanned': '0',
          'rules-evaluated': '0',
          passed: 'false',
          'sarif-file': '',
          'report-file': '',
        });
    }
  });
}
