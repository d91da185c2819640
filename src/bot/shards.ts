// Which guilds this process answers for. Under `start --shards`, each process is one shard and
// Discord sends it the events of its own guilds only, so its cache holds those guilds and no others.
import { ShardClientUtil, type Client } from 'discord.js';

/**
 * Whether the guild belongs to this process's shards: true for every guild when the bot does not
 * shard. Computed from the id (Discord's formula), so each guild belongs to exactly one shard, even
 * one the bot has left.
 */
export function servedHere(client: Client): (guildId: string) => boolean {
  const shard = client.shard;
  if (!shard) return () => true;
  return (guildId) => shard.ids.includes(ShardClientUtil.shardIdForGuildId(guildId, shard.count));
}
