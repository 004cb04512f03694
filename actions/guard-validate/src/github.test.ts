import { createServer } from 'node:net';
import { startGitHubFake, type GitHubFake } from '../../../test/emulators/github/server.js';
import { startFaultProxy } from '../../../test/harness/faults.js';
import { GitHub, GitHubError } from './github.js';

let fake: GitHubFake;
afterEach(async () => {
  await fake?.close();
});

test('pull request files: followed by Link 100 per page, at most 3,000, removed files left out', async () => {
  fake = await startGitHubFake({ prFiles: Array.from({ length: 3050 }, (_, i) => `f${i}.yaml`) });
  const gh = await GitHub.create({ apiUrl: fake.url, token: 't' });
  const r = await gh.pullRequestFiles('o/r', 5);
  expect(r.files).toHaveLength(3000);
  expect(r.truncated).toBe(true);
  expect(fake.calls.map((c) => c.query.page ?? '1')).toEqual(
    Array.from({ length: 30 }, (_, i) => String(i + 1)),
  );
  // a short list is one page, not truncated
  await fake.close();
  fake = await startGitHubFake({ prFiles: ['a.yaml', 'b.yaml'] });
  const small = await (await GitHub.create({ apiUrl: fake.url, token: 't' })).pullRequestFiles('o/r', 5);
  expect(small).toEqual({ files: ['a.yaml', 'b.yaml'], truncated: false });
  expect(fake.calls).toHaveLength(1);
});

test('our comment is found past the first page by its marker AND its author, and updated in place', async () => {
  const bodies = Array.from({ length: 150 }, (_, i) => (i === 120 ? '<!-- marker -->\nold' : `chatter ${i}`));
  fake = await startGitHubFake({ comments: { 9: bodies } });
  const gh = await GitHub.create({ apiUrl: fake.url, token: 't' });
  expect(await gh.upsertComment('o/r', 9, '<!-- marker -->', '<!-- marker -->\nnew')).toBe('updated');
  expect(fake.comments.filter((c) => c.body.includes('<!-- marker -->'))).toEqual([
    expect.objectContaining({ body: '<!-- marker -->\nnew' }),
  ]);
  expect(await gh.upsertComment('o/r', 10, '<!-- marker -->', '<!-- marker -->\nfirst')).toBe('created');
});

test("a comment by someone else that carries our marker is left alone; a personal token's own is found via GET /user", async () => {
  fake = await startGitHubFake({
    comments: { 9: [{ body: 'quoting <!-- marker --> here', user: 'mallory' }] },
  });
  const gh = await GitHub.create({ apiUrl: fake.url, token: 't' });
  expect(await gh.upsertComment('o/r', 9, '<!-- marker -->', '<!-- marker -->\nours')).toBe('created');
  expect(fake.comments.map((c) => [c.user, c.body])).toEqual([
    ['mallory', 'quoting <!-- marker --> here'],
    ['github-actions[bot]', '<!-- marker -->\nours'],
  ]);
  await fake.close();
  fake = await startGitHubFake({
    viewer: 'deploy-bot',
    comments: { 9: [{ body: '<!-- marker -->\nold', user: 'deploy-bot' }] },
  });
  const pat = await GitHub.create({ apiUrl: fake.url, token: 't' });
  expect(await pat.upsertComment('o/r', 9, '<!-- marker -->', '<!-- marker -->\nnew')).toBe('updated');
  expect(fake.comments).toEqual([
    expect.objectContaining({ user: 'deploy-bot', body: '<!-- marker -->\nnew' }),
  ]);
});

test('403 surfaces as a GitHubError with the status; a 5xx on the create is looked for, never resent blind', async () => {
  fake = await startGitHubFake({ forbid: ['checks'] });
  const gh = await GitHub.create({ apiUrl: fake.url, token: 't', retry: { baseDelayMs: 10 } });
  await expect(gh.createCheckRun('o/r', { name: 'x', head_sha: 'y' })).rejects.toMatchObject({
    status: 403,
    message: expect.stringContaining('Resource not accessible by integration'),
  });
  expect(fake.calls).toHaveLength(1); // a plain 403 is not retried
  fake.forbid.clear();
  fake.broken.add('checks');
  const err = await gh.createCheckRun('o/r', { name: 'x', head_sha: 'y' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitHubError);
  // the POST once; the look for its run (a GET, retried as reads are) failed too, so nothing was resent
  expect(fake.calls.map((c) => `${c.method} ${c.status}`)).toEqual([
    'POST 403',
    'POST 500',
    'GET 500',
    'GET 500',
    'GET 500',
  ]);
});

test('a connection that is refused is retried, then fails as status 0', async () => {
  // a port nothing listens on
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const waits: string[] = [];
  const gh = await GitHub.create({
    apiUrl: `http://127.0.0.1:${port}`,
    token: 't',
    retry: { baseDelayMs: 10 },
    onWait: (l) => waits.push(l),
  });
  await expect(gh.createCheckRun('o/r', { name: 'x', head_sha: 'y' })).rejects.toMatchObject({ status: 0 });
  expect(waits).toHaveLength(3);
  expect(waits[0]).toMatch(
    /^GitHub POST \/repos\/o\/r\/check-runs: no answer \(.+\); looking for the check run x it may have made before sending it again in 0\.0s$/,
  );
  expect(waits[1]).toMatch(/^GitHub GET \/repos\/o\/r\/commits\/y\/check-runs\?.*: no answer/);
});

test('a lost reply on the check run and on the comment: each is found by its marker, none made twice', async () => {
  fake = await startGitHubFake();
  const proxy = await startFaultProxy({ target: fake.url, maxLifetimeMs: 60_000 });
  try {
    proxy.inject({
      name: 'check',
      service: 'github',
      operation: /^POST .*check-runs$/,
      times: 1,
      fault: { kind: 'lose-reply' },
    });
    proxy.inject({
      name: 'comment',
      service: 'github',
      operation: /^POST .*comments$/,
      times: 1,
      fault: { kind: 'lose-reply', as: 'reset' },
    });
    const waits: string[] = [];
    const gh = await GitHub.create({
      apiUrl: proxy.url,
      token: 't',
      retry: { baseDelayMs: 10 },
      onWait: (l) => waits.push(l),
    });
    const id = await gh.createCheckRun('o/r', { name: 'guard', head_sha: 'abc' });
    expect(fake.checkRuns).toEqual([
      expect.objectContaining({ id, name: 'guard', external_id: gh.checkRunMarker }),
    ]);
    expect(await gh.upsertComment('o/r', 9, '<!-- m -->', '<!-- m -->\nbody')).toBe('created');
    expect(fake.comments.map((c) => c.body)).toEqual(['<!-- m -->\nbody']);
    expect(proxy.injected('check')).toHaveLength(1);
    expect(proxy.injected('comment')).toHaveLength(1);
    expect(waits.filter((w) => /the reply was lost/.test(w))).toEqual([
      'GitHub POST /repos/o/r/check-runs: the reply was lost; the check run guard it made is used',
      'GitHub POST /repos/o/r/issues/9/comments: the reply was lost; the pull request comment it made is used',
    ]);
    // another step's check run of the same name on the same commit is not taken for ours
    const other = await GitHub.create({ apiUrl: fake.url, token: 't' });
    proxy.inject({
      name: 'again',
      service: 'github',
      operation: /^POST .*check-runs$/,
      times: 1,
      fault: { kind: 'error', status: 502, code: 'BadGateway' },
    });
    const viaProxy = await GitHub.create({ apiUrl: proxy.url, token: 't', retry: { baseDelayMs: 10 } });
    await other.createCheckRun('o/r', { name: 'guard', head_sha: 'abc' });
    const mine = await viaProxy.createCheckRun('o/r', { name: 'guard', head_sha: 'abc' });
    expect(fake.checkRuns.find((r) => r.id === mine)?.external_id).toBe(viaProxy.checkRunMarker);
    expect(fake.checkRuns).toHaveLength(3);
  } finally {
    await proxy.stop();
  }
});
