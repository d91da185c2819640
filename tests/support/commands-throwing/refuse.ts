import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../../../src/bot/command.ts';
import { MemberError } from '../../../src/member-error.ts';

export default {
  data: new SlashCommandBuilder().setName('refuse').setDescription('refuses the member').setContexts(InteractionContextType.Guild),
  requirements: { guildOnly: true },
  async execute() {
    throw new MemberError('not-today', 'Not today: come back on Monday.', { details: { secret: 'for the log only' } });
  },
} satisfies CommandModule;
