// npm run demo: start the emulators, seed a realistic account, and run each action's demo scene
// through the harness, printing the log, outputs and job summary of every step.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO_ROOT,
  renderLog,
  runAction,
  startMoto,
  type ActionRun,
  type RunActionOptions,
} from '../harness/index.js';

export interface DemoContext {
  motoUrl: string;
  /** Run an action through the harness and print what a user would see in the Actions UI. */
  run(title: string, opts: RunActionOptions): Promise<ActionRun>;
  say(text: string): void;
}

export interface Scene {
  title: string;
  /** Lower runs first. */
  order?: number;
  play(ctx: DemoContext): Promise<void>;
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function show(title: string, r: ActionRun): void {
  console.log(
    bold(`\n── ${title} ── main exit ${r.main.exitCode}${r.post ? `, post exit ${r.post.exitCode}` : ''}`),
  );
  console.log(
    renderLog(r.main.log)
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  if (r.post)
    console.log(
      dim('  [post]\n') +
        renderLog(r.post.log)
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
    );
  if (Object.keys(r.outputs).length) {
    console.log(bold('  outputs:'));
    for (const [k, v] of Object.entries(r.outputs))
      console.log(`    ${k} = ${v.length > 200 ? v.slice(0, 200) + '…' : v}`);
  }
  if (r.summary.trim())
    console.log(
      bold('  job summary:\n') +
        r.summary
          .trim()
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
    );
}

const wanted = process.argv.slice(2);
const sceneDir = join(REPO_ROOT, 'test/demo/scenes');
const scenes: Scene[] = [];
for (const f of readdirSync(sceneDir)
  .filter((x) => x.endsWith('.ts'))
  .sort()) {
  if (wanted.length && !wanted.some((w) => f.startsWith(w))) continue;
  scenes.push(((await import(pathToFileURL(join(sceneDir, f)).href)) as { default: Scene }).default);
}
scenes.sort((a, b) => (a.order ?? 50) - (b.order ?? 50));

const moto = await startMoto({ maxSeconds: 1800 });
let failed = 0;
try {
  for (const scene of scenes) {
    console.log(bold(`\n════ ${scene.title} ════`));
    await moto.reset();
    const ctx: DemoContext = {
      motoUrl: moto.url,
      say: (t) => console.log(dim(t)),
      async run(title, opts) {
        const r = await runAction({ ...opts, env: { AWS_ENDPOINT_URL: moto.url, ...opts.env } });
        show(title, r);
        return r;
      },
    };
    try {
      await scene.play(ctx);
    } catch (err) {
      failed++;
      console.error(`scene "${scene.title}" broke: ${(err as Error).stack}`);
    }
  }
} finally {
  await moto.stop();
}
process.exit(failed ? 1 : 0);
