import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/harness/run-action.js';
import { classify } from './discover.js';
import { platformKey } from './engine.js';
import { locatedFindings } from './placement.js';
import { readStructured } from './results.js';
import { RuleCatalog, loadControls } from './rules-meta.js';
import { applySuppressions } from './suppress.js';
import { validate, type Finding } from './validate.js';

const FIX = join(REPO_ROOT, 'test/fixtures/guard-validate/placement');
const PACK = join(REPO_ROOT, 'actions/guard-validate/dist/rules/control-tower');
const ENGINE = join(
  REPO_ROOT,
  'node_modules/@cdklabs/cdk-validator-cfnguard/bin',
  platformKey()!,
  'cfn-guard',
);
const controls = loadControls(PACK);
const catalog = new RuleCatalog(controls);

async function controlTower(ws: string, file: string): Promise<Finding[]> {
  const out = await validate({
    engine: ENGINE,
    workspace: ws,
    ruleFiles: [],
    controls,
    packDir: PACK,
    catalog,
    files: [classify(join(ws, file), true)],
    parallelism: 2,
    tempDir: tmpdir(),
  });
  return out.findings;
}

test('Control Tower findings Guard gives no path for land on their resource, never the document root', async () => {
  const findings = await controlTower(FIX, 'unplaced.yaml');
  expect(findings.length).toBeGreaterThan(10);
  for (const f of findings) {
    expect(f.kind).toBe('violation');
    expect(f.resource).toBeDefined();
    expect(f.pointer).toMatch(new RegExp(`^/Resources/${f.resource}(/|$)`));
    expect(f.line).toBeGreaterThan(3);
  }
  const at = (id: string) => findings.filter((f) => f.controlId === id).map((f) => [f.resource, f.line]);
  // the examples: each at (or inside) its own resource
  expect(at('CT.CLOUDWATCH.PR.4')).toEqual([['QuietAlarm', 7]]); // ActionsEnabled: false
  expect(at('CT.IAM.PR.4')).toEqual([['Deployer', 22]]); // Policies
  expect(at('CT.LAMBDA.PR.2')).toEqual([['Invoke', 36]]); // Properties (no source condition)
  expect(at('CT.EC2.PR.13')).toEqual([['Web', 31]]);
  expect(at('CT.S3.PR.8').every(([r]) => r === 'SitePolicy')).toBe(true);
  expect(at('CT.CLOUDFRONT.PR.9')[0]).toEqual(['Cdn', expect.any(Number)]);
});

test('a resource-level SuppressedRules silences the alarm finding; fingerprints differ per resource', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-place-'));
  const text = readFileSync(join(FIX, 'unplaced.yaml'), 'utf8');
  const twoAlarms = text.replace(
    '  AlarmTopic:\n',
    `  OtherAlarm:\n${text
      .split('\n')
      .slice(4, 16)
      .join('\n')
      .replace(
        '    Type: AWS::CloudWatch::Alarm',
        '    Type: AWS::CloudWatch::Alarm\n    Metadata:\n      guard:\n        SuppressedRules: [CT.CLOUDWATCH.PR.4]',
      )}\n  AlarmTopic:\n`,
  );
  writeFileSync(join(ws, 't.yaml'), twoAlarms);
  const findings = await controlTower(ws, 't.yaml');
  const alarms = findings.filter((f) => f.controlId === 'CT.CLOUDWATCH.PR.4');
  expect(alarms.map((f) => f.resource).sort()).toEqual(['OtherAlarm', 'QuietAlarm']);
  expect(new Set(alarms.map((f) => f.fingerprint)).size).toBe(2);
  applySuppressions(findings, new Map([['t.yaml', classify(join(ws, 't.yaml'), true)]]), undefined);
  expect(alarms.find((f) => f.resource === 'OtherAlarm')!.suppressed).toBe('metadata');
  expect(alarms.find((f) => f.resource === 'QuietAlarm')!.suppressed).toBeUndefined();
});

/** A structured result with one failed rule holding the given checks. */
function result(checks: unknown[]): unknown {
  return [
    {
      name: 'x.yaml',
      status: 'FAIL',
      not_compliant: [
        {
          Rule: {
            name: 'r',
            messages: {},
            checks: [{ Rule: { name: 'check', messages: { custom_message: 'msg' }, checks } }],
          },
        },
      ],
    },
  ];
}

const unary = (path: string, error: string) => ({
  Clause: {
    Unary: {
      check: { Resolved: { value: { path, value: false }, comparison: ['Exists', false] } },
      context: 'x',
      messages: { error_message: error },
    },
  },
});

test('a Unary clause is placed at its value path; a failed disjunction is one finding naming its alternatives', () => {
  const [r] = readStructured(
    result([
      unary(
        '/Resources/A/Properties/Enabled',
        'Check was not compliant as property [/Resources/A/Properties/Enabled[L:5,C:6]] existed.',
      ),
      {
        Disjunctions: {
          checks: [
            unary('/Resources/B/Properties/X', 'first alternative failed'),
            {
              Block: {
                messages: { error_message: 'second alternative failed' },
                unresolved: {
                  traversed_to: { path: '/Resources/B/Properties', value: {} },
                  remaining_query: 'Y',
                },
              },
            },
          ],
        },
      },
    ]),
  ) as any;
  expect(r.findings).toHaveLength(2);
  expect(r.findings[0]).toMatchObject({ pointer: '/Resources/A/Properties/Enabled' });
  expect(r.findings[1].detail).toBe(
    'none of the alternatives holds: first alternative failed; or second alternative failed',
  );
  expect(r.findings[1].places).toEqual(
    expect.arrayContaining([
      { pointer: '/Resources/B/Properties/X' },
      { pointer: '/Resources/B/Properties', missing: 'Y' },
    ]),
  );
});

test('the deepest place that resolves wins; with none, the resource of the rule type, never the root', () => {
  const ws = mkdtempSync(join(tmpdir(), 'gv-place-'));
  const yaml = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Resources:',
    '  Alarm:',
    '    Type: AWS::CloudWatch::Alarm',
    '    Properties:',
    '      ActionsEnabled: false',
    '',
  ].join('\n');
  writeFileSync(join(ws, 't.yaml'), yaml);
  const f = classify(join(ws, 't.yaml'), true) as any;
  const raw = (places: Array<{ pointer: string; missing?: string }>, rule = 'r') => ({
    file: 't.yaml',
    rule,
    pointer: places[0]?.pointer ?? '',
    places,
    detail: 'd',
  });
  const [deep] = locatedFindings(
    [
      raw([
        { pointer: '/Resources/Alarm/Properties/ActionsEnabled/Nope' },
        { pointer: '/Resources/Alarm/Properties', missing: 'ActionsEnabled' },
        { pointer: '/Resources/Alarm/Properties/ActionsEnabled' },
      ]),
    ],
    't.yaml',
    f,
    catalog,
  );
  expect(deep).toMatchObject({
    line: 6,
    column: 7,
    exact: true,
    pointer: '/Resources/Alarm/Properties/ActionsEnabled',
  });
  // only a variable-relative path: the rule's type filter names the resource
  const alarmRule = controls.find((c) => c.id === 'CT.CLOUDWATCH.PR.4')!.rules[0]!;
  const [typed] = locatedFindings([raw([{ pointer: '/0' }], alarmRule)], 't.yaml', f, catalog);
  expect(typed).toMatchObject({
    line: 3,
    column: 3,
    resource: 'Alarm',
    pointer: '/Resources/Alarm',
    exact: false,
  });
  // a custom rule with no type known: the Resources key, still not the document root
  const [custom] = locatedFindings([raw([])], 't.yaml', f, catalog);
  expect(custom).toMatchObject({ line: 2, pointer: '/Resources' });
});
