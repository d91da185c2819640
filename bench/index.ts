// `npm run bench`: runs the grading benchmarks one after the other, each in its own process (each
// loads its own TensorFlow.js backend). The leaderboard benchmark seeds a million rows and wants a
// PostgreSQL server: run it on its own with `npm run bench:leaderboard`; the pictures have
// `npm run bench:render`.
//
//   node bin/run-ts.js bench/index.ts [names...]   e.g. `import grade` (default: both)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '..');
const available = ['import', 'grade'];
const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : available;

let failed = 0;
for (const name of names) {
  const file = path.join(projectRoot, 'bench', `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`bench: no benchmark bench/${name}.ts (have: ${available.join(', ')}, leaderboard, render)`);
    failed++;
    continue;
  }
  console.log(`\n=== bench/${name}.ts ===\n`);
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin', 'run-ts.js'), file], { stdio: 'inherit', cwd: projectRoot });
  if (run.status !== 0) {
    console.error(`bench/${name}.ts exited with ${run.status ?? run.signal}`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
