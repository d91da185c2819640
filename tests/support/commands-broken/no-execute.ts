// A command file without `execute`: the loader must refuse it by name.
import { SlashCommandBuilder } from 'discord.js';

export const data = new SlashCommandBuilder().setName('broken').setDescription('has no execute');
