import type { Client } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { servedHere } from '../../src/bot/shards.ts';
import { shardForGuild } from '../support/fake-discord/index.ts';

/** A client as discord.js sets it up in a shard process of `start --shards` (client.shard). */
const shardClient = (id: number, count: number) => ({ shard: { ids: [id], count } }) as unknown as Client;

describe('servedHere', () => {
  it('gives every guild to exactly one shard, the one Discord sends its events to', () => {
    const guildIds = ['175928847299117063', '81384788765712384', '1258091340394479658', '613425648685547541', '1'];
    for (const count of [1, 2, 3, 16]) {
      const shards = Array.from({ length: count }, (_, id) => servedHere(shardClient(id, count)));
      for (const guildId of guildIds) {
        const owners = shards.flatMap((serves, id) => (serves(guildId) ? [id] : []));
        expect(owners).toEqual([shardForGuild(guildId, count)]);
      }
    }
  });

  it('gives every guild to a bot that does not shard', () => {
    const serves = servedHere({ shard: null } as unknown as Client);
    expect(serves('175928847299117063') && serves('81384788765712384')).toBe(true);
  });
});
