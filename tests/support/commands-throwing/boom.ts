// Commands for the router's tests: one throws an internal error, one refuses the member.
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../../../src/bot/command.ts';

export default {
  data: new SlashCommandBuilder().setName('boom').setDescription('throws').setContexts(InteractionContextType.Guild),
  requirements: { guildOnly: true },
  async execute() {
    throw new Error('the handler exploded');
  },
} satisfies CommandModule;
