import { parseArgs } from 'node:util';
import { REST, Routes, type APIApplication } from 'discord.js';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { loadCommands } from '../bot/command-loader.ts';

export const deployCommandsCommand = {
  describe: 'register the slash commands',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } }, strict: true });
    const config = loadConfig({ discordToken: true });
    const logger = createLogger(config.logLevel);
    const commands = await loadCommands();
    const body = [...commands.values()].map((c) => c.data.toJSON());
    const rest = new REST(config.discordApiUrl ? { api: config.discordApiUrl } : {}).setToken(config.discordToken!);
    const appId = config.discordAppId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
    const route = values.guild ? Routes.applicationGuildCommands(appId, values.guild) : Routes.applicationCommands(appId);
    const registered = (await rest.put(route, { body })) as unknown[];
    logger.info(
      { count: registered.length, scope: values.guild ? `guild ${values.guild}` : 'global' },
      values.guild ? 'commands registered in the server (visible at once)' : 'commands registered globally (Discord may take up to an hour to show changes)',
    );
    return 0;
  },
};
