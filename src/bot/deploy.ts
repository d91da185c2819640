// Registers the slash commands with Discord, globally or in one server.
import { REST, Routes, type APIApplication } from 'discord.js';
import type { CommandModule } from './command.ts';
import { explainDiscordFailure } from './discord-access.ts';

export type DeployOptions = {
  token: string;
  apiUrl?: string;
  /** Learnt from Discord when absent. */
  applicationId?: string;
  guildId?: string;
};

export async function deployCommands(commands: Iterable<CommandModule>, options: DeployOptions): Promise<{ count: number; scope: string }> {
  const body = [...commands].map((c) => c.data.toJSON());
  const rest = new REST(options.apiUrl ? { api: options.apiUrl } : {}).setToken(options.token);
  try {
    const appId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const route = options.guildId ? Routes.applicationGuildCommands(appId, options.guildId) : Routes.applicationCommands(appId);
    const registered = (await rest.put(route, { body })) as unknown[];
    return { count: registered.length, scope: options.guildId ? `server ${options.guildId}` : 'global' };
  } catch (error) {
    throw explainDiscordFailure(error, { apiUrl: options.apiUrl, guildId: options.guildId }) ?? error;
  }
}
