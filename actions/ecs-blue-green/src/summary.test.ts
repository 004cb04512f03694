import type { Report } from './deploy.js';
import { renderSummary } from './summary.js';

const base: Report = {
  command: 'deploy',
  cluster: 'shop',
  service: 'web',
  region: 'us-east-1',
  deploymentId: 'd-AAAAAAAAA',
  consoleUrl: 'https://console/d-AAAAAAAAA',
  status: 'Failed',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
  registered: false,
  rollbackDeploymentId: 'd-RRRRRRRRR',
  rollbackStatus: 'Succeeded',
  events: [
    { name: 'Install', status: 'Succeeded', startTime: new Date(0), endTime: new Date(65_000) },
    {
      name: 'AfterAllowTestTraffic',
      status: 'Failed',
      startTime: new Date(70_000),
      endTime: new Date(74_000),
    },
    { name: 'AllowTraffic', status: 'Skipped' },
  ],
  timeline: [
    { atMs: 0, text: 'deployment d-AAAAAAAAA: Created | pipe' },
    { atMs: 75_000, text: '  AfterAllowTestTraffic: Failed in 4s' },
  ],
  reasons: ['AfterAllowTestTraffic failed: ScriptFailed: hook check: 503 | from /ready'],
  ecs: {
    events: [{ at: new Date(80_000), message: '(service web) has reached a steady state.' }],
    stoppedTasks: [
      { taskArn: 'arn:aws:ecs:us-east-1:1:task/shop/abc', reason: 'Essential container in task exited' },
    ],
  },
  outcome: 'failed',
  error: 'deployment d-AAAAAAAAA failed: AfterAllowTestTraffic failed',
};

test('the summary has the outcome, links, events with durations, the timeline and why', () => {
  const md = renderSummary(base).toString();
  expect(md).toContain('## ECS blue/green: shop/web');
  expect(md).toContain(
    '**❌ Deployment failed** — deployment d-AAAAAAAAA failed: AfterAllowTestTraffic failed',
  );
  expect(md).toContain('| Deployment | [d-AAAAAAAAA](https://console/d-AAAAAAAAA) |');
  expect(md).toContain('(unchanged, not re-registered)');
  expect(md).toContain('| Rollback | d-RRRRRRRRR (Succeeded) |');
  expect(md).toContain('| Install | Succeeded | 1m05s |');
  expect(md).toContain('| AfterAllowTestTraffic | Failed | 4s |');
  expect(md).toContain('| AllowTraffic | Skipped |  |');
  expect(md).toContain('| +1m15s | AfterAllowTestTraffic: Failed in 4s |');
  // table cells are escaped
  expect(md).toContain('- AfterAllowTestTraffic failed: ScriptFailed: hook check: 503 | from /ready');
  expect(md).toContain('| +0ms | deployment d-AAAAAAAAA: Created \\| pipe |');
  expect(md).toContain('<details><summary>Stopped tasks</summary>');
  expect(md).toContain('`abc`: Essential container in task exited');
});

test('a long timeline is cut to the summary size limit, with a note', async () => {
  const { SummaryBuilder } = await import('@oaktree/action-kit');
  const timeline = Array.from({ length: 2000 }, (_, i) => ({
    atMs: i * 1000,
    text: `  traffic: BLUE ${i}% / GREEN x`,
  }));
  const md = renderSummary({ ...base, timeline }, new SummaryBuilder(8 * 1024)).toString();
  expect(Buffer.byteLength(md)).toBeLessThanOrEqual(8 * 1024);
  expect(md).toMatch(/table row\(s\).* left out to stay within GitHub's 1 MiB job summary limit/);
});

test('command continue and command stop say what happened', () => {
  const quiet = { events: [], timeline: [], reasons: [], ecs: undefined, error: undefined };
  const continued = renderSummary({
    ...base,
    ...quiet,
    command: 'continue',
    outcome: 'continued',
    status: undefined,
  }).toString();
  expect(continued).toContain(
    '**▶️ Deployment continued from Ready: production traffic shifts to the green task set**',
  );
  const stopped = renderSummary({
    ...base,
    ...quiet,
    command: 'stop',
    outcome: 'stopped',
    status: 'Stopped',
  }).toString();
  expect(stopped).toContain('**⏹️ Deployment stopped with rollback (command: stop); rollback Succeeded**');
});

test('an AWS error mid-follow: the headline says so, the deployment left to post and the timeline seen so far', () => {
  const md = renderSummary({
    ...base,
    status: 'InProgress',
    outcome: 'aws-error',
    adopted: true,
    rollbackDeploymentId: undefined,
    reasons: [],
    ecs: undefined,
    error: 'AccessDeniedException: not allowed',
    left: 'main could not see deployment d-AAAAAAAAA to its end; the post step stops it with rollback',
    timeline: [
      { atMs: 0, text: "adopted deployment d-AAAAAAAAA created by this run's earlier attempt (reply lost)" },
      { atMs: 5000, text: 'stopped following: AccessDeniedException: not allowed' },
    ],
  }).toString();
  expect(md).toContain(
    '**⚠️ Stopped following the deployment: AWS answered an error** — AccessDeniedException',
  );
  expect(md).toContain("Adopted deployment d-AAAAAAAAA created by this run's earlier attempt (reply lost)");
  expect(md).toContain(
    '⚠️ In flight: main could not see deployment d-AAAAAAAAA to its end; the post step stops it',
  );
  expect(md).toMatch(
    /### Timeline[\s\S]*\| \+5s \| stopped following: AccessDeniedException: not allowed \|/,
  );
});

test('a deployment with nothing seen yet still gets a timeline section saying so', () => {
  const md = renderSummary({ ...base, outcome: 'cancelled', timeline: [], events: [] }).toString();
  expect(md).toContain('### Timeline\n\nNothing seen of the deployment yet.');
});
