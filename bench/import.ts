// Import time of every real Keras fixture, per TensorFlow.js backend.
// Usage: node bin/run-ts.js bench/import.ts [--backend wasm|cpu|tensorflow] [--runs N]
// Goal on a 2-core machine with wasm: any fixture import <= 1 s.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, table } from './figures.ts';
import { importModel } from '../src/grading/model-import/index.ts';
import { loadTf, type TfBackendName } from '../src/grading/tf-backend.ts';
import { ensureTestDataOrExit } from '../tests/support/test-data/ensure.ts';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, runs: { type: 'string', default: '5' } },
});
const requested = values.backend as TfBackendName;
const runs = Math.max(1, Number(values.runs));
const goalMs = 1000;

const fixtureDir = path.join((await ensureTestDataOrExit()).dir, 'fixtures', 'models');
const fixtures = readdirSync(fixtureDir).filter((name) => /\.(h5|keras)$/.test(name)).sort();

const { tf, backend } = await loadTf({ prefer: requested });
if (backend !== requested) console.log(`note: ${requested} is not available here; measuring ${backend}`);

const rows: string[][] = [];
let worst = 0;
for (const name of fixtures) {
  const bytes = new Uint8Array(readFileSync(path.join(fixtureDir, name)));
  const times: number[] = [];
  let format = '';
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const imported = await importModel([{ name, bytes }], { tf });
    times.push(performance.now() - started);
    format = imported.format;
    imported.model.dispose();
  }
  worst = Math.max(worst, median(times));
  rows.push([
    name,
    format,
    `${(bytes.length / 1024).toFixed(0)} KB`,
    backend,
    times[0].toFixed(0),
    median(times).toFixed(0),
    Math.max(...times).toFixed(0),
    median(times) <= goalMs ? 'ok' : 'OVER',
  ]);
}

const header = ['fixture', 'format', 'size', 'backend', 'first ms', 'median ms', 'max ms', `<= ${goalMs} ms`];
console.log(`model import, ${runs} runs each (median of the runs; the first run includes tfjs warm-up)`);
console.log(table(header, rows));
console.log(`slowest median: ${worst.toFixed(0)} ms (${worst <= goalMs ? 'within' : 'over'} the ${goalMs} ms goal)`);
