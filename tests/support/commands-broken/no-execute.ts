// A command file without `execute`: the loader must refuse it by name.
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';

const data = new SlashCommandBuilder().setName('broken').setDescription('has no execute').setContexts(InteractionContextType.Guild);

export default { data, requirements: { guildOnly: true } };
