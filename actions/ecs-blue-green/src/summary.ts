import { SummaryBuilder, formatDuration } from '@oaktree/action-kit';
import type { Report } from './deploy.js';
import { eventDuration } from './progress.js';

const HEADLINE: Record<Report['outcome'], string> = {
  succeeded: '✅ Deployment succeeded',
  ready: '⏸️ Deployment is Ready: the green task set serves the test listener',
  created: '🚀 Deployment created',
  continued: '▶️ Deployment continued from Ready: production traffic shifts to the green task set',
  failed: '❌ Deployment failed',
  stopped: '⏹️ Deployment stopped',
  cancelled: '⏹️ Cancelled',
  'timed-out': '⌛ Timed out',
  'aws-error': '⚠️ Stopped following the deployment: AWS answered an error',
  invalid: '❌ Not deployed',
};

/** The job summary: outcome, links, lifecycle events with durations, the timeline, and why it failed. */
export function renderSummary(r: Report, builder = new SummaryBuilder()): SummaryBuilder {
  builder.heading(`ECS blue/green: ${r.cluster}/${r.service}`);
  const headline =
    r.command === 'stop' && r.outcome === 'stopped'
      ? `⏹️ Deployment stopped with rollback (command: stop)${r.rollbackStatus ? `; rollback ${r.rollbackStatus}` : ''}`
      : HEADLINE[r.outcome];
  builder.paragraph(`**${headline}**${r.error ? ` — ${r.error}` : ''}`);
  if (r.adopted && r.deploymentId)
    builder.paragraph(
      `Adopted deployment ${r.deploymentId} created by this run's earlier attempt (reply lost): ` +
        `CreateDeployment's reply never arrived, and the deployment carries this step's run marker.`,
    );
  if (r.left) builder.paragraph(`⚠️ In flight: ${r.left}.`);
  const link = (text: string | undefined, url: string | undefined) =>
    text && url ? `[${text}](${url})` : text;
  builder.table(['', ''], [
    ['Deployment', link(r.deploymentId, r.consoleUrl) ?? '—'],
    ['Status', r.status ?? '—'],
    [
      'Task definition',
      r.taskDefinitionArn
        ? `${r.taskDefinitionArn}${r.registered === false ? ' (unchanged, not re-registered)' : ''}`
        : '—',
    ],
    ...(r.rollbackDeploymentId
      ? [['Rollback', `${r.rollbackDeploymentId} (${r.rollbackStatus ?? 'unknown'})`]]
      : []),
    ...(r.smoke ? [['Smoke test', r.smoke.text]] : []),
    ['Service', link(`${r.cluster}/${r.service}`, r.ecsConsoleUrl) ?? ''],
  ] as Array<Array<string | undefined>>);
  if (r.events.length) {
    builder.heading('Lifecycle events', 3);
    builder.table(
      ['Event', 'Status', 'Duration'],
      r.events.map((e) => {
        const d = e.startTime
          ? eventDuration(e, e.startTime.getTime(), e.endTime?.getTime() ?? Date.now())
          : undefined;
        return [e.name, e.status, d !== undefined && e.status !== 'Pending' ? formatDuration(d) : ''];
      }),
    );
  }
  if (r.timeline.length || r.deploymentId) {
    builder.heading('Timeline', 3);
    if (!r.timeline.length) builder.paragraph('Nothing seen of the deployment yet.');
    else
      builder.table(
        ['At', 'What'],
        r.timeline.map((t) => [`+${formatDuration(t.atMs)}`, t.text.trim()]),
      );
  }
  if (r.reasons.length || r.ecs?.events.length || r.ecs?.stoppedTasks.length) {
    builder.heading('Why', 3);
    builder.list(r.reasons);
    if (r.ecs?.events.length)
      builder.details(
        'Last ECS service events',
        r.ecs.events.map((e) => `- ${e.at?.toISOString() ?? ''} ${e.message}`).join('\n'),
      );
    if (r.ecs?.stoppedTasks.length)
      builder.details(
        'Stopped tasks',
        r.ecs.stoppedTasks.map((t) => `- \`${t.taskArn.split('/').pop()}\`: ${t.reason}`).join('\n'),
      );
  }
  return builder;
}

export function writeSummary(r: Report): void {
  renderSummary(r).write();
}
