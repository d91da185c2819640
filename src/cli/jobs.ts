// `tf-study-bot jobs run-due [--now ISO]`: sends every scheduled post (and reminder) that is due,
// once, as the bot would, and exits: for cron on a host without a running bot, or to catch up by
// hand. `tf-study-bot jobs list [--now ISO]`: each job, its scope, next slot and last outcome.
// Both go through the same claims as the bot, so running them beside a bot never sends twice.
import { REST } from 'discord.js';
import { parseArgs } from 'node:util';
import { restSender } from '../bot/discord-sender.ts';
import { postTime } from '../bot/scheduled-posts.ts';
import { systemClock, systemTimers, type Clock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { createLogger } from '../log.ts';
import { OperatorError } from '../operator-error.ts';
import { loadQuestionBank } from '../quiz/question-bank.ts';
import { createStudyServices } from '../study-services.ts';
import { loadKnowledgeBase } from '../tips/knowledge-base.ts';
import { EXIT } from './exit-codes.ts';

export const jobsUsage = [
  'usage: tf-study-bot jobs run-due [--now <ISO time>]',
  '       tf-study-bot jobs list [--now <ISO time>]',
  '',
  'run-due  sends every scheduled post and reminder that is due and not yet sent by any process, then exits',
  'list     prints each job, its scope (server), its time, next slot and last outcome',
  '--now    the time to act at (default: the clock), e.g. 2026-12-01T08:00:00Z',
  '',
  'Needs DISCORD_TOKEN (run-due) and the bot\'s database (DATABASE_URL, or DATA_DIR for the embedded one,',
  'which a running bot holds: stop it first or use PostgreSQL).',
].join('\n');

function clockFrom(now: string | undefined): Clock {
  if (now === undefined) return systemClock;
  const at = new Date(now);
  if (Number.isNaN(at.getTime())) throw new OperatorError(`--now "${now}" is not a time; write it as ISO 8601, e.g. 2026-12-01T08:00:00Z.`);
  return () => at;
}

export const jobsCommand = {
  describe: 'run the scheduled posts that are due, or list them',
  usage: jobsUsage,
  async run(args: string[]): Promise<number> {
    const { positionals, values } = parseArgs({ args, options: { now: { type: 'string' } }, allowPositionals: true, strict: true });
    const [action] = positionals;
    if ((action !== 'run-due' && action !== 'list') || positionals.length > 1) {
      console.error(jobsUsage);
      return EXIT.misuse;
    }
    const clock = clockFrom(values.now);
    const config = loadConfig({ discordToken: action === 'run-due' });
    const logger = createLogger(config.logLevel);
    const knowledge = await loadKnowledgeBase();
    const questions = await loadQuestionBank(knowledge.skills);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    try {
      const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(config.discordToken ?? 'unused');
      const services = createStudyServices({ config, database, knowledge, questions, sender: restSender(rest), clock, timers: systemTimers, logger });
      if (action === 'run-due') {
        const outcomes = await services.scheduledPosts.runDue();
        for (const o of outcomes) console.log([o.guildId, o.kind, o.slot, o.outcome, o.reason ?? ''].join('\t').trimEnd());
        console.log(`${outcomes.filter((o) => o.outcome === 'sent' || o.outcome === 'delayed').length} sent, ${outcomes.filter((o) => o.outcome === 'failed').length} failed, ${outcomes.filter((o) => o.outcome === 'skipped').length} skipped`);
        services.quizPosts.close();
        return EXIT.ok;
      }
      console.log(['server', 'job', 'time', 'next slot', 'last outcome'].join('\t'));
      for (const settings of await services.settings.configuredGuilds()) {
        const statuses = await services.scheduledPosts.status(settings.guildId);
        for (const status of statuses) {
          if (!postTime(settings, status.kind)) continue;
          const last = status.last ? `${status.last.status}${status.last.delayed ? ' (delayed)' : ''} ${status.last.slot}${status.last.reason ? `: ${status.last.reason}` : ''}` : '-';
          console.log([settings.guildId, status.kind, `${status.time} ${settings.timezone}`, status.next?.dueAt.toISOString() ?? 'needs an announcement channel', last].join('\t'));
        }
      }
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};
