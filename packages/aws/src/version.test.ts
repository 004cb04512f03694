import { readFileSync } from 'node:fs';
import { SUITE_VERSION } from './version.js';

test('the user-agent version is the suite version in lerna.json and package.json (fixed mode)', () => {
  const root = new URL('../../../', import.meta.url);
  const lerna = JSON.parse(readFileSync(new URL('lerna.json', root), 'utf8')) as { version: string };
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  expect(SUITE_VERSION).toBe(lerna.version);
  expect(pkg.version).toBe(lerna.version);
});
