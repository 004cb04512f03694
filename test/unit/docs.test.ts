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

test('every action README matches its action.yml', () => {
  expect(drifted()).toEqual([]);
});
