import { SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';

export const data = new SlashCommandBuilder().setName('ping').setDescription('answers pong');

export async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
  await interaction.reply('pong');
}
