import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Oracle } from '../../../bench/guard-validate-oracle.js';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import { locate, parseTemplate } from './positions.js';

/** The bench's location oracle (yaml node ranges, no code shared with the action) is itself right. */
const dir = join(REPO_ROOT, 'test/fixtures/guard-validate/locations');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

test('the oracle answers the hand-written positions of the short-form fixture', () => {
  const o = new Oracle(read('short-forms.yaml'));
  const at = (p: string) => {
    const a = o.locate(p);
    return [a.line, a.column, a.found === a.segments];
  };
  expect(at('/Resources/Web/Properties/SecurityGroupIngress/2/CidrIp')).toEqual([25, 11, true]);
  expect(at('/Resources/Role/Properties/RoleName/Fn::If/2/Ref')).toEqual([34, 41, true]);
  expect(at('/Resources/Bucket/Properties/LoggingConfiguration/DestinationBucketName/Fn::GetAtt/0')).toEqual([
    40,
    32,
    true,
  ]);
  expect(at('/Resources/Bucket/Properties/BucketEncryption')).toEqual([37, 5, false]);
  expect(at('/Conditions/IsProd/Fn::Equals/0/Ref')).toEqual([3, 20, true]);
});

test('the oracle and the action agree on every node of the location fixtures, YAML and JSON', () => {
  for (const name of ['short-forms.yaml', 'intrinsics.yaml', 'pretty.json', 'minified.json']) {
    const text = read(name);
    const o = new Oracle(text);
    const root = parseTemplate(text, name).root;
    // every path of the plain document
    const paths: string[] = [];
    const visit = (v: unknown, p: string) => {
      paths.push(p);
      if (v && typeof v === 'object')
        for (const [k, c] of Object.entries(v as Record<string, unknown>)) visit(c, `${p}/${k}`);
    };
    visit(parseTemplate(text, name).data, '');
    expect(paths.length).toBeGreaterThan(10);
    const differ = paths.filter((p) => {
      const a = o.locate(p);
      const b = locate(root, p);
      return a.line !== b.line || a.column !== b.column;
    });
    expect({ name, differ }).toEqual({ name, differ: [] });
  }
});
