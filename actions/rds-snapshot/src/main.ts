import { runStep } from '@oaktree/action-kit';
import { explainAwsError } from '@oaktree/aws';
import { readConfig } from './inputs.js';

export const ACTION = 'rds-snapshot';

/** Inputs are read and checked before the AWS SDK is loaded, so a bad input fails fast. */
export async function run(): Promise<void> {
  await runStep(
    ACTION,
    async () => {
      const config = readConfig();
      const { execute } = await import('./execute.js');
      await execute(config);
    },
    { explainers: [explainAwsError] },
  );
}
