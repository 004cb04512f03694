import { coldStart, type Bench } from './lib.js';

/** The harness fixture's cold start: a floor for what the real actions can reach. */
const bench: Bench = {
  name: 'wiring-cold-start',
  async run() {
    const c = coldStart('test/fixtures/actions/wiring');
    return {
      name: 'wiring-cold-start',
      method: 'median of 25 alternating runs: bundle exiting on a missing required input vs node -e 0',
      metrics: { 'cold-start-ms': c.bundleMs, 'node-e-0-ms': c.nodeMs, 'cold-start-ratio': c.ratio },
      targets: { 'cold-start-ratio': { max: 2.0 } },
    };
  },
};
export default bench;
