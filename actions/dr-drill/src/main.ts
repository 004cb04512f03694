import { OperationError, runStep, setOutputs } from '@oaktree/action-kit';
import { explainAwsError } from '@oaktree/aws';
import { readConfig } from './inputs.js';

export const ACTION = 'dr-drill';

/** Inputs are read and checked before the AWS SDK is loaded, so a bad input fails fast and touches nothing. */
export async function run(): Promise<void> {
  await runStep(
    ACTION,
    async () => {
      try {
        const config = readConfig();
        const { execute } = await import('./execute.js');
        await execute(config);
      } catch (err) {
        // Outputs are set on failure too. An OperationError comes after the report set every output;
        // anything else (bad input, an AWS error while checking) ended the drill before it measured.
        if (!(err instanceof OperationError)) setOutputs({ passed: 'false' });
        throw err;
      }
    },
    { explainers: [explainAwsError] },
  );
}
