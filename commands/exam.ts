// /exam date|voucher|certified|status: a member's exam dates and their countdown reminders by DM.
import { InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, CommandModule, CommandRequirements } from '../src/bot/command.ts';
import type { ExamDateKind } from '../src/reminders/exam-dates.ts';
import { examDateSetMessage, examStatusMessage } from '../src/bot/ui/reminder-messages.ts';

/** /exam date, /exam voucher and /exam certified: one date each. */
const DATE_SUBCOMMANDS: Array<{ name: string; kind: ExamDateKind; description: string; date: string }> = [
  { name: 'date', kind: 'exam', description: 'The day of your exam: reminders 30, 14, 7, 3 and 1 days before, on the day and after', date: 'The exam\'s date, YYYY-MM-DD' },
  { name: 'voucher', kind: 'voucher', description: 'When you bought your exam voucher: reminders before it expires', date: 'The purchase date, YYYY-MM-DD' },
  { name: 'certified', kind: 'certified', description: 'When you passed your exam: reminders before the certificate expires', date: 'The date you passed, YYYY-MM-DD' },
];

const data = new SlashCommandBuilder().setName('exam').setDescription('Your exam dates and their reminders').setContexts(InteractionContextType.Guild);
for (const { name, description, date } of DATE_SUBCOMMANDS) {
  data.addSubcommand((sub) =>
    sub
      .setName(name)
      .setDescription(description)
      .addStringOption((o) => o.setName('date').setDescription(date).setRequired(true).setMaxLength(40)),
  );
}
data.addSubcommand((sub) => sub.setName('status').setDescription('Your saved dates and the next reminder of each'));

const requirements: CommandRequirements = { guildOnly: true };

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild()) return;
  const sub = interaction.options.getSubcommand();
  if (sub === 'status') {
    await interaction.reply({ content: examStatusMessage(await ctx.reminders.examStatus(interaction.guildId, interaction.user.id)), flags: MessageFlags.Ephemeral });
    return;
  }
  const kind = DATE_SUBCOMMANDS.find((d) => d.name === sub)?.kind;
  if (!kind) throw new Error(`unknown /exam subcommand ${sub}`);
  const set = await ctx.reminders.setExamDate(interaction.guildId, { id: interaction.user.id }, kind, interaction.options.getString('date', true), interaction.channelId);
  await interaction.reply({ content: set.ok ? examDateSetMessage(set.value) : set.reason, flags: MessageFlags.Ephemeral });
}

export default { data, requirements, execute } satisfies CommandModule;
