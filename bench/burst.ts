// `npm run bench:burst`: 50 members send /grade at the same moment, through the fake Discord, to
// the real bot (embedded storage, real grader). Prints how long the bot took to acknowledge each
// interaction (Discord allows 3 s) and to answer all of them.
//
//   node bin/run-ts.js bench/burst.ts [members]   (default 50)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { startBotHarness } from '../tests/support/bot-harness.ts';
import { testDataPath } from '../tests/support/test-data/locate.ts';
import { ensureTestDataOrExit } from '../tests/support/test-data/ensure.ts';
import { median, table } from './figures.ts';

const members = Number(process.argv[2] ?? 50);
await ensureTestDataOrExit();
const bot = await startBotHarness({ persistent: true, env: { DATASET_MIRROR: testDataPath('datasets'), GRADER_WORKERS: '2', GRADES_PER_HOUR: '1000' } });
try {
  const model = readFileSync(path.join(testDataPath('fixtures', 'models'), '01_dense_regression_A1_k2.5.h5'));
  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
  const rows: string[][] = [];
  for (const round of ['first burst in the server', 'second burst']) {
    const crowd = Array.from({ length: members }, (_, i) => bot.fake.member({ guildId: bot.guildId, username: `m${round.length}-${i}`, permissions: PermissionFlagsBits.SendMessages }));
    const started = performance.now();
    const grades = await Promise.all(
      crowd.map((member) => bot.fake.slashCommand({ name: 'grade', member, options: { problem: 'linear-a', model: bot.fake.cdn.add('model.h5', model) } })),
    );
    const acks = await Promise.all(grades.map(async (grade) => (await grade.response()).afterMs));
    await Promise.all(grades.map((grade) => grade.waitForMessage((m) => JSON.stringify(m.embeds ?? []).includes('/5'), 600_000)));
    const allAnsweredS = (performance.now() - started) / 1000;
    rows.push([
      round,
      String(members),
      median(acks).toFixed(0),
      percentile(acks, 95).toFixed(0),
      Math.max(...acks).toFixed(0),
      String(acks.filter((ms) => ms > 3000).length),
      allAnsweredS.toFixed(1),
    ]);
  }
  console.log(table(['burst', 'members', 'ack median ms', 'ack p95 ms', 'ack max ms', 'over 3 s', 'all graded s'], rows));
  const violations = bot.fake.violations.filter((v) => !/not acknowledged/.test(v.reason));
  if (violations.length > 0) console.log(`other violations: ${violations.map((v) => v.reason).join('; ')}`);
} finally {
  await bot.stop();
}
