import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { loadCommands } from '../bot/command-loader.ts';
import { deployCommands } from '../bot/deploy.ts';

export const deployCommandsCommand = {
  describe: 'register the slash commands',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } }, strict: true });
    const config = loadConfig({ discordToken: true });
    const logger = createLogger(config.logLevel);
    const commands = await loadCommands();
    const { count, scope } = await deployCommands(commands.values(), {
      token: config.discordToken!,
      apiUrl: config.discordApiUrl,
      applicationId: config.discordAppId,
      guildId: values.guild,
    });
    logger.info(
      { count, scope },
      values.guild ? 'commands registered in the server (visible at once)' : 'commands registered globally (Discord may take up to an hour to show changes)',
    );
    return 0;
  },
};
