import { InteractionContextType, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandModule } from '../../../src/bot/command.ts';

export default {
  data: new SlashCommandBuilder().setName('ping').setDescription('answers pong').setContexts(InteractionContextType.Guild),
  requirements: { guildOnly: true },
  async execute(interaction: ChatInputCommandInteraction) {
    await interaction.reply('pong');
  },
} satisfies CommandModule;
