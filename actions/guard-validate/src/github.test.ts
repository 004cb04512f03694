import { startGitHubFake, type GitHubFake } from '../../../test/emulators/github/server.js';
import { GitHub, GitHubError } from './github.js';

let fake: GitHubFake;
afterEach(async () => {
  await fake.close();
});

test('pull request files: 100 per page, at most 3,000, removed files left out', async () => {
  fake = await startGitHubFake({ prFiles: Array.from({ length: 3050 }, (_, i) => `f${i}.yaml`) });
  const gh = new GitHub({ apiUrl: fake.url, token: 't' });
  const r = await gh.pullRequestFiles('o/r', 5);
  expect(r.files).toHaveLength(3000);
  expect(r.truncated).toBe(true);
  expect(fake.calls.map((c) => c.query.page)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
});

test('our comment is found past the first page by its marker and updated in place', async () => {
  const bodies = Array.from({ length: 150 }, (_, i) => (i === 120 ? '<!-- marker -->\nold' : `chatter ${i}`));
  fake = await startGitHubFake({ comments: { 9: bodies } });
  const gh = new GitHub({ apiUrl: fake.url, token: 't' });
  expect(await gh.upsertComment('o/r', 9, '<!-- marker -->', '<!-- marker -->\nnew')).toBe('updated');
  expect(fake.comments.filter((c) => c.body.includes('<!-- marker -->'))).toEqual([
    expect.objectContaining({ body: '<!-- marker -->\nnew' }),
  ]);
  expect(await gh.upsertComment('o/r', 10, '<!-- marker -->', '<!-- marker -->\nfirst')).toBe('created');
});

test('403 surfaces as a GitHubError with the status; 5xx is retried', async () => {
  fake = await startGitHubFake({ forbid: ['checks'] });
  const gh = new GitHub({ apiUrl: fake.url, token: 't' });
  await expect(gh.createCheckRun('o/r', { name: 'x', head_sha: 'y' })).rejects.toMatchObject({
    status: 403,
    message: expect.stringContaining('Resource not accessible by integration'),
  });
  fake.forbid.clear();
  fake.broken.add('checks');
  const err = await gh.createCheckRun('o/r', { name: 'x', head_sha: 'y' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitHubError);
  expect(fake.calls.filter((c) => c.status === 500)).toHaveLength(3);
});
