// npm run bench [-- name...]: run the benchmarks in bench/*.bench.ts and record their results under
// bench/results/ (one JSON per benchmark and a README table). Numbers come from this machine; the
// method line says how each was taken.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../test/harness/index.js';
import type { Bench, BenchResult } from './lib.js';

const dir = join(REPO_ROOT, 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Bench };
  console.log(`bench ${mod.default.name} ...`);
  const result = await mod.default.run();
  const withMachine = {
    ...result,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    date: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'results', `${result.name}.json`), JSON.stringify(withMachine, null, 2) + '\n');
  console.log(JSON.stringify(result.metrics));
}

// The README table from every result on disk, with targets checked.
const rows: string[] = [];
for (const f of readdirSync(join(dir, 'results'))
  .filter((x) => x.endsWith('.json'))
  .sort()) {
  const r = JSON.parse(readFileSync(join(dir, 'results', f), 'utf8')) as BenchResult & { date: string };
  for (const [k, v] of Object.entries(r.metrics)) {
    const t = r.targets?.[k];
    const verdict =
      t && typeof v === 'number'
        ? (t.max === undefined || v <= t.max) && (t.min === undefined || v >= t.min)
          ? 'met'
          : 'MISSED'
        : '';
    const target = t
      ? [t.max !== undefined ? `<= ${t.max}` : '', t.min !== undefined ? `>= ${t.min}` : '']
          .filter(Boolean)
          .join(', ')
      : '';
    rows.push(`| ${r.name} | ${k} | ${v} | ${target} | ${verdict} |`);
  }
}
const readme = join(dir, 'results', 'README.md');
const head = existsSync(readme) ? '' : '';
writeFileSync(
  readme,
  `${head}# Benchmark results\n\nWritten by \`npm run bench\` on a 2-core machine; each JSON file holds the method, the machine and the date.\n\n| bench | metric | value | target | |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`,
);
