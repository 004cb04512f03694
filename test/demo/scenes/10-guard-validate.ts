import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../harness/index.js';
import { startGitHubFake } from '../../emulators/github/server.js';
import type { Scene } from '../run.js';

const PR = {
  name: 'pull_request',
  payload: {
    pull_request: {
      number: 42,
      head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', repo: { full_name: 'oaktree-demo/shop' } },
      base: { repo: { full_name: 'oaktree-demo/shop' } },
    },
  },
};

const scene: Scene = {
  title: 'guard-validate: a pull request with a broken template, exact lines, one comment, a fork',
  order: 10,
  async play(ctx) {
    const gh = await startGitHubFake();
    try {
      const ws = mkdtempSync(join(tmpdir(), 'demo-guard-'));
      cpSync(join(REPO_ROOT, 'test/fixtures/guard-validate/repos/mixed'), ws, { recursive: true });
      cpSync(join(REPO_ROOT, 'examples/guard-validate/template.yaml'), join(ws, 'templates/app.yaml'));
      ctx.say(
        'A repository with the seed rules, a broken rule file, the example template, a template that does not parse ' +
          'and a config file. The AWS Control Tower S3/EC2/IAM/RDS controls run too.',
      );
      const inputs = { rules: 'rules', 'rule-packs': 'control-tower:s3,ec2,iam,rds', 'fail-on': 'high' };
      await ctx.run('guard-validate on pull request #42', {
        action: 'actions/guard-validate',
        workspace: ws,
        inputs,
        env: { GITHUB_API_URL: gh.url },
        event: PR,
      });
      const run = gh.checkRuns[0];
      if (run)
        ctx.say(
          `Check run "${run.name}": ${run.conclusion}, ${run.annotations.length} annotations in ` +
            `${gh.calls.filter((c) => c.method === 'PATCH' && c.path.includes('check-runs')).length} PATCH(es); first: ` +
            run.annotations
              .slice(0, 3)
              .map((a) => `${a.path}:${a.start_line} ${a.title}`)
              .join(' | '),
        );
      ctx.say(`PR comment:\n${gh.comments[0]?.body.split('\n').slice(0, 14).join('\n')}`);

      // The author fixes SSH and accepts the rest into a baseline.
      const app = join(ws, 'templates/app.yaml');
      writeFileSync(
        app,
        readFileSync(app, 'utf8').replace(
          /CidrIp: 0\.0\.0\.0\/0\n {2}AppRole/,
          'CidrIp: 10.0.0.0/8\n  AppRole',
        ),
      );
      await ctx.run('second push: the same comment is updated', {
        action: 'actions/guard-validate',
        workspace: ws,
        inputs,
        env: { GITHUB_API_URL: gh.url },
        event: PR,
      });
      ctx.say(`Comments on #42: ${gh.comments.length} (updated in place).`);

      gh.forbid.add('checks');
      gh.forbid.add('comments');
      await ctx.run('the same pull request from a fork (read-only token)', {
        action: 'actions/guard-validate',
        workspace: ws,
        inputs,
        env: { GITHUB_API_URL: gh.url },
        event: PR,
      });
    } finally {
      await gh.close();
    }
  },
};
export default scene;
