// Commands for the router's error-boundary test: one throws, one answers.
import { SlashCommandBuilder } from 'discord.js';

export const data = new SlashCommandBuilder().setName('boom').setDescription('throws');

export async function execute(): Promise<void> {
  throw new Error('the handler exploded');
}
