// `tf-study-bot start --shards`: the process that runs the shards. Each shard is a process of its
// own running the ordinary `tf-study-bot start`; discord.js's ShardingManager tells it its shard
// through the environment (SHARDS, SHARD_COUNT), and its Client connects as that shard. This process
// only spawns, logs, restarts a shard that dies, and stops them all on SIGTERM or SIGINT.
import { once } from 'node:events';
import { resolve } from 'node:path';
import { ChildProcess } from 'node:child_process';
import { REST, Routes, ShardingManager, type RESTGetAPIGatewayBotResult } from 'discord.js';
import { explainDiscordFailure } from '../bot/discord-access.ts';
import type { Logger } from '../log.ts';
import { EXIT } from './exit-codes.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'tf-study-bot.js');
/** How long a shard may take from its process starting to its Client being ready (migrations, knowledge base, login). */
const SHARD_READY_TIMEOUT_MS = 120_000;
/** The shards stop within their own 10 s deadline; this is the backstop before they are killed. */
const SHARDS_STOP_DEADLINE_MS = 20_000;

export type ShardCount = number | 'auto';

export type ShardsOptions = { token: string; apiUrl?: string; shards: ShardCount; logger: Logger };

/** Discord's recommended shard count, asked of DISCORD_API_URL when set (discord.js asks discord.com only). */
async function recommendedShardCount(token: string, apiUrl: string | undefined): Promise<number> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  try {
    const { shards } = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    return shards;
  } catch (error) {
    throw explainDiscordFailure(error, { apiUrl }) ?? error;
  }
}

export async function runShards({ token, apiUrl, shards, logger }: ShardsOptions): Promise<number> {
  const totalShards = shards === 'auto' ? await recommendedShardCount(token, apiUrl) : shards;
  logger.info({ shards: totalShards, requested: shards }, 'starting shards');
  // No restarts until every shard has started once: a shard that cannot start (a wrong setting)
  // would fail the same way again, so the start fails instead.
  const manager = new ShardingManager(BIN, { token, totalShards, shardArgs: ['start'], mode: 'process', respawn: false });
  let stopping = false;
  manager.on('shardCreate', (shard) => {
    const log = logger.child({ shard: shard.id });
    // In 'process' mode a shard is always a child process, never a worker thread.
    shard.on('spawn', (child) => {
      if (!(child instanceof ChildProcess)) return;
      log.info({ pid: child.pid }, 'shard process started');
      if (stopping) child.kill('SIGTERM');
    });
    shard.on('ready', () => log.info('shard ready'));
    // A stopping shard closes its gateway connection on purpose: only reconnects before that are news.
    shard.on('reconnecting', () => stopping || log.warn('shard reconnecting to the gateway'));
    shard.on('resume', () => log.info('shard resumed its gateway session'));
    shard.on('disconnect', () => stopping || log.warn('shard disconnected from the gateway'));
    shard.on('death', (child) => {
      if (!(child instanceof ChildProcess)) return;
      const exit = { code: child.exitCode, signal: child.signalCode };
      if (stopping) log.info(exit, 'shard stopped');
      else log.error(exit, manager.respawn ? 'shard process exited; starting it again' : 'shard process exited');
    });
    // A restart that failed: logged, and the shard stays down until the next stop and start.
    shard.on('error', (error: Error) => log.error({ err: error }, 'shard could not be restarted'));
  });

  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
  const startFailed = manager.spawn({ amount: totalShards, timeout: SHARD_READY_TIMEOUT_MS }).then(
    () => {
      manager.respawn = true;
      logger.info({ shards: totalShards }, 'all shards ready');
      return new Promise<never>(() => {});
    },
    (error: unknown) => error,
  );
  const outcome = await Promise.race([signalled.then((signal) => ({ signal })), startFailed.then((error) => ({ error }))]);
  stopping = true;
  manager.respawn = false;
  if ('error' in outcome) logger.error({ err: outcome.error }, 'a shard did not start; stopping the others');
  else logger.info({ signal: outcome.signal }, 'stopping the shards');
  const clean = await stopShards(manager, 'signal' in outcome ? outcome.signal : 'SIGTERM', logger);
  logger.info('all shards stopped');
  return 'error' in outcome || !clean ? EXIT.failure : EXIT.ok;
}

/** Passes the signal on to every shard process and waits for them to exit; true when all exited with 0. */
async function stopShards(manager: ShardingManager, signal: NodeJS.Signals, logger: Logger): Promise<boolean> {
  const running = [...manager.shards.values()].flatMap((shard) => (shard.process ? [shard.process] : []));
  const exited = running.map((child) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child) : once(child, 'exit').then(() => child),
  );
  for (const child of running) child.kill(signal);
  const backstop = setTimeout(() => {
    logger.error('shards did not stop in time; killing them');
    for (const child of running) child.kill('SIGKILL');
  }, SHARDS_STOP_DEADLINE_MS);
  const children = await Promise.all(exited);
  clearTimeout(backstop);
  return children.every((child) => child.exitCode === 0);
}
