import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runAction, type RunActionOptions } from '../../harness/index.js';
import { startFaultProxy, type FaultProxy } from '../../harness/faults.js';
import { startGitHubFake, type GitHubFake } from '../../emulators/github/server.js';

/** The action's GitHub calls: rate limits waited out, only our own comment edited, a proxy honoured. */
const ACTION = 'actions/guard-validate';
const REPOS = join(REPO_ROOT, 'test/fixtures/guard-validate/repos');
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
const MARKER = '<!-- oaktree:guard-validate -->';

function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gv-gh-${name}-`));
  cpSync(join(REPOS, name), dir, { recursive: true });
  return dir;
}

const pullRequest: RunActionOptions['event'] = {
  name: 'pull_request',
  payload: {
    pull_request: {
      number: 7,
      head: { sha: HEAD, repo: { full_name: 'oaktree-demo/shop' } },
      base: { repo: { full_name: 'oaktree-demo/shop' } },
    },
  },
};

let gh: GitHubFake | undefined;
let faults: FaultProxy | undefined;
afterEach(async () => {
  await faults?.stop();
  await gh?.close();
  faults = undefined;
  gh = undefined;
});

test('a secondary rate limit (403 with retry-after) on the check run and the comment is waited out', async () => {
  gh = await startGitHubFake();
  faults = await startFaultProxy({ target: gh.url, maxLifetimeMs: 120_000 });
  faults.inject({
    name: 'check',
    service: 'github',
    operation: /^POST \/repos\/.*\/check-runs$/,
    times: 1,
    fault: { kind: 'throttle' },
  });
  faults.inject({
    name: 'comment',
    service: 'github',
    operation: /^POST \/repos\/.*\/issues\/7\/comments$/,
    times: 1,
    fault: { kind: 'throttle' },
  });
  const run = await runAction({
    action: ACTION,
    workspace: workspace('suppress'),
    inputs: { rules: 'security_rules.guard' },
    env: { GITHUB_API_URL: faults.url },
    event: pullRequest,
  });
  expect(run.main.exitCode).toBe(1); // the findings fail the gate, not GitHub
  expect(faults.injected('check')).toHaveLength(1);
  expect(faults.injected('comment')).toHaveLength(1);
  expect(run.main.log).toMatch(/rate limited \(403, retry-after 1s\); retrying in 1\.0s/);
  // the same check run and one comment, as without the rate limit
  expect(gh.checkRuns).toHaveLength(1);
  expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  expect(gh.checkRuns[0]!.annotations).toHaveLength(2);
  expect(gh.comments).toHaveLength(1);
  expect(run.main.log).not.toContain('annotating with workflow commands instead');
}, 60_000);

test('a reply lost after GitHub made the check run and the comment: each is found by its marker, neither made twice', async () => {
  gh = await startGitHubFake();
  faults = await startFaultProxy({ target: gh.url, maxLifetimeMs: 120_000 });
  faults.inject({
    name: 'check',
    service: 'github',
    operation: /^POST \/repos\/.*\/check-runs$/,
    times: 1,
    fault: { kind: 'lose-reply' },
  });
  faults.inject({
    name: 'comment',
    service: 'github',
    operation: /^POST \/repos\/.*\/issues\/7\/comments$/,
    times: 1,
    fault: { kind: 'lose-reply', as: 'reset' },
  });
  const run = await runAction({
    action: ACTION,
    workspace: workspace('suppress'),
    inputs: { rules: 'security_rules.guard' },
    env: { GITHUB_API_URL: faults.url },
    event: pullRequest,
  });
  expect(run.main.exitCode).toBe(1); // the findings fail the gate, not GitHub
  expect(faults.injected('check').map((c) => c.backendStatus)).toEqual([201]);
  expect(faults.injected('comment').map((c) => c.backendStatus)).toEqual([201]);
  const posts = (re: RegExp) => faults!.calls.filter((c) => c.method === 'POST' && re.test(c.path));
  expect(posts(/check-runs$/)).toHaveLength(1);
  expect(posts(/comments$/)).toHaveLength(1);
  // the run that was made is the one completed with every annotation; one comment
  expect(gh.checkRuns).toHaveLength(1);
  expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  expect(gh.checkRuns[0]!.external_id).toMatch(/^oaktree-guard-validate [0-9a-f-]{36}$/);
  expect(gh.checkRuns[0]!.annotations).toHaveLength(2);
  expect(gh.comments).toHaveLength(1);
  expect(run.main.log).toContain('the reply was lost; the check run guard-validate it made is used');
  expect(run.main.log).toContain('the reply was lost; the pull request comment it made is used');
  expect(run.main.log).not.toContain('annotating with workflow commands instead');
}, 60_000);

test('a comment by another author that carries our marker is never edited', async () => {
  gh = await startGitHubFake({
    comments: { 7: [{ body: `I copied the bot's marker ${MARKER} into my review`, user: 'mallory' }] },
  });
  const ws = workspace('suppress');
  const inputs = { rules: 'security_rules.guard', annotations: 'none' };
  await runAction({
    action: ACTION,
    workspace: ws,
    inputs,
    env: { GITHUB_API_URL: gh.url },
    event: pullRequest,
  });
  await runAction({
    action: ACTION,
    workspace: ws,
    inputs,
    env: { GITHUB_API_URL: gh.url },
    event: pullRequest,
  });
  expect(gh.comments.map((c) => c.user)).toEqual(['mallory', 'github-actions[bot]']);
  expect(gh.comments[0]!.body).toBe(`I copied the bot's marker ${MARKER} into my review`);
  // the second run updated our own comment in place
  expect(gh.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/comments'))).toHaveLength(1);
  expect(gh.calls.filter((c) => c.method === 'PATCH' && c.path.includes('/issues/comments/'))).toEqual([
    expect.objectContaining({
      path: `/repos/oaktree-demo/shop/issues/comments/${gh.comments[1]!.id}`,
      status: 200,
    }),
  ]);
}, 60_000);

/** A self-signed certificate for api.github.test (a name that never resolves: only the proxy reaches it). */
function certificate(dir: string): { key: string; cert: string; certFile: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=api.github.test',
      '-addext',
      'subjectAltName=DNS:api.github.test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    certFile: join(dir, 'cert.pem'),
  };
}

/**
 * A CONNECT proxy on loopback that tunnels api.github.test:443 to the GitHub fake and refuses
 * anything else; it records what it was asked and stops by itself.
 */
async function startConnectProxy(
  fakePort: number,
): Promise<{ url: string; connects: string[]; stop(): Promise<void> }> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req, client: Socket) => {
    connects.push(String(req.url));
    sockets.add(client);
    if (req.url !== 'api.github.test:443') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(fakePort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const timer = setTimeout(() => server.close(), 120_000);
  timer.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    stop: () =>
      new Promise<void>((r) => {
        clearTimeout(timer);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

test('with HTTPS_PROXY set, every GitHub call goes through the proxy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gv-proxy-'));
  const tls = certificate(dir);
  gh = await startGitHubFake({ tls: { key: tls.key, cert: tls.cert } });
  const proxy = await startConnectProxy(Number(new URL(gh.url).port));
  try {
    const run = await runAction({
      action: ACTION,
      workspace: workspace('suppress'),
      inputs: { rules: 'security_rules.guard' },
      env: {
        GITHUB_API_URL: 'https://api.github.test',
        HTTPS_PROXY: proxy.url,
        NO_PROXY: 'example.internal',
        NODE_EXTRA_CA_CERTS: tls.certFile,
      },
      event: pullRequest,
    });
    expect(run.main.exitCode).toBe(1);
    expect(proxy.connects.length).toBeGreaterThan(0);
    expect(new Set(proxy.connects)).toEqual(new Set(['api.github.test:443']));
    // what went through the tunnel reached GitHub: the check run and the comment
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gh.comments).toHaveLength(1);
  } finally {
    await proxy.stop();
  }
}, 60_000);
