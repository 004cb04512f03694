// @ts-expect-error -- plain ESM script without type declarations
import { drifted, render } from '../../scripts/docs.mjs';

const meta = {
  inputs: {
    region: { description: 'AWS region', required: false },
    cluster: { description: 'ECS | cluster', required: true, default: 'x' },
  },
  outputs: { 'deployment-id': { description: 'The id' } },
};

test('render fills both tables from action.yml and is stable', () => {
  const readme =
    'intro\n<!-- oaktree:inputs -->\nold\n<!-- /oaktree:inputs -->\nmid\n<!-- oaktree:outputs --><!-- /oaktree:outputs -->\nend';
  const once = render(readme, meta);
  expect(once).toContain('| `cluster` | yes | `x` | ECS \\| cluster |');
  expect(once).toContain('| `region` | no |  | AWS region |');
  expect(once).toContain('| `deployment-id` | The id |');
  expect(once).not.toContain('old');
  expect(render(once, meta)).toBe(once);
});

test('a README without markers is reported', () => {
  expect(() => render('no markers', meta, 'actions/x/README.md')).toThrow(
    'actions/x/README.md: missing <!-- oaktree:inputs -->',
  );
});

test('the IAM policy block is iam-policy.json verbatim, and a README whose policy differs is drift', () => {
  const policy = '{\n  "Statement": [{ "Resource": "arn:aws:rds:*:${Account}:db:drill-*" }]\n}\n';
  const readme =
    '<!-- oaktree:inputs --><!-- /oaktree:inputs -->\n<!-- oaktree:outputs --><!-- /oaktree:outputs -->\n' +
    '## Minimal IAM policy\n<!-- oaktree:iam-policy -->\n```json\n{"old": true}\n```\n<!-- /oaktree:iam-policy -->\ntable';
  const once = render(readme, meta, 'README.md', policy);
  expect(once).toContain(
    '<!-- oaktree:iam-policy -->\n```json\n{\n  "Statement": [{ "Resource": "arn:aws:rds:*:${Account}:db:drill-*" }]\n}\n```\n<!-- /oaktree:iam-policy -->\ntable',
  );
  expect(render(once, meta, 'README.md', policy)).toBe(once);
  // one character changed in the policy file: the README no longer matches
  expect(render(once, meta, 'README.md', policy.replace('drill-*', 'drill*'))).not.toBe(once);
  // a README without the policy markers, for an action that has a policy, is reported
  expect(() =>
    render(readme.replace(/<!-- \/?oaktree:iam-policy -->/g, ''), meta, 'x/README.md', policy),
  ).toThrow('x/README.md: missing <!-- oaktree:iam-policy -->');
});

test('every action README matches its action.yml and iam-policy.json', () => {
  expect(drifted()).toEqual([]);
});
