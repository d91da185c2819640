// /remind and /exam replies. Times are Discord timestamps, which each reader sees in their own
// clock; the timezone a reminder follows is named beside them. Reminder texts are member text.
import { EmbedBuilder } from 'discord.js';
import type { ExamDateSet, ExamStatus, Reminder } from '../../reminders/reminder-service.ts';
import { describeSchedule } from '../../reminders/when.ts';
import type { ExamRules } from '../../reminders/exam-dates.ts';
import { asText } from './member-text.ts';

/** An embed description holds 4096 characters; the list stops short of it. */
const LIST_MAX_CHARS = 3900;
/** Discord's limit for an autocomplete choice's name. */
const CHOICE_NAME_MAX = 100;

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

/** "Mon 30 Nov 2026 18:00 (in 2 hours)" as each reader's Discord shows it. */
function when(date: Date): string {
  return `<t:${unix(date)}:F> (<t:${unix(date)}:R>)`;
}

function delivery(reminder: Pick<Reminder, 'dm' | 'channelId'>): string {
  return reminder.dm ? `by DM (in <#${reminder.channelId}> if your DMs are closed)` : `in <#${reminder.channelId}>`;
}

export function reminderAddedMessage(reminder: Reminder): string {
  return [
    `Reminder #${reminder.id} set, ${describeSchedule(reminder.schedule, reminder.timezone)}: ${asText(reminder.text, 600)}`,
    `Next: ${when(reminder.nextAt)}, ${delivery(reminder)}.`,
  ].join('\n');
}

export function reminderListEmbed(list: readonly Reminder[]): EmbedBuilder {
  const embed = new EmbedBuilder().setTitle('Your reminders').setColor(0x5c6bc0);
  if (list.length === 0) {
    return embed.setDescription('You have no active reminders. Set one with `/remind add when:in 2h text:Review the CNN notes`.');
  }
  const lines: string[] = [];
  let length = 0;
  for (const [index, reminder] of list.entries()) {
    const line = `**#${reminder.id}** ${asText(reminder.text, 80)}\n  next <t:${unix(reminder.nextAt)}:f>, ${describeSchedule(reminder.schedule, reminder.timezone)}${reminder.dm ? ', by DM' : ''}`;
    const more = `… and ${list.length - index} more`;
    if (length + line.length + more.length + 2 > LIST_MAX_CHARS) {
      lines.push(more);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return embed.setDescription(lines.join('\n')).setFooter({ text: 'Delete one with /remind delete id. Exam countdowns are in /exam status.' });
}

export function reminderDeletedMessage(reminder: Reminder): string {
  return `Deleted reminder #${reminder.id}: ${asText(reminder.text, 600)}`;
}

/** Autocomplete choices for /remind delete: "#12 · daily at 09:00 · Review the CNN notes". */
export function reminderChoices(list: readonly Reminder[], typed: string): Array<{ name: string; value: number }> {
  const needle = typed.trim().toLowerCase().replace(/^#/, '');
  return list
    .filter((reminder) => needle === '' || String(reminder.id).startsWith(needle) || reminder.text.toLowerCase().includes(needle))
    .slice(0, 25)
    .map((reminder) => {
      const name = `#${reminder.id} · ${describeSchedule(reminder.schedule, reminder.timezone)} · ${reminder.text.replace(/\s+/g, ' ')}`;
      return { name: name.length > CHOICE_NAME_MAX ? `${name.slice(0, CHOICE_NAME_MAX - 1)}…` : name, value: reminder.id };
    });
}

export function timezoneSetMessage(timezone: string): string {
  return `Your timezone is now ${timezone}. New reminders and exam dates follow it; reminders already set keep the timezone they were set in.`;
}

const KIND_NAMES = { exam: 'exam date', voucher: 'voucher purchase date', certified: 'certification date' } as const;

/** The server's rules, and why the bot speaks of "your exam". */
function rulesLine(rules: ExamRules): string {
  return (
    `In this server a voucher is valid ${rules.voucherMonths} month${rules.voucherMonths === 1 ? '' : 's'} from purchase and a certificate ${rules.certificateYears} year${rules.certificateYears === 1 ? '' : 's'}. ` +
    'The official TensorFlow Developer Certificate closed in 2024, so these dates are for your exam, whichever you take.'
  );
}

export function examDateSetMessage(set: ExamDateSet): string {
  const lines = [`Saved your ${KIND_NAMES[set.kind]}. ${set.line}`];
  if (set.scheduled.length === 0) {
    lines.push('Every reminder for that date is already in the past, so none were scheduled.');
  } else {
    const first = set.scheduled[0];
    lines.push(`I'll send you ${set.scheduled.length} reminder${set.scheduled.length === 1 ? '' : 's'} ${delivery(first)}, at local times in ${set.timezone}:`);
    lines.push(...set.scheduled.map((reminder) => `- <t:${unix(reminder.nextAt)}:F>`));
  }
  lines.push(rulesLine(set.rules));
  return lines.join('\n');
}

export function examStatusMessage(status: ExamStatus): string {
  if (status.dates.length === 0) {
    return [
      'You have saved no dates yet.',
      '`/exam date 2027-03-15` counts down to your exam; `/exam voucher 2027-01-10` and `/exam certified 2027-04-01` remind you before a voucher or a certificate expires.',
      rulesLine(status.rules),
    ].join('\n');
  }
  const lines = status.dates.map((entry) => {
    const next = entry.next ? `next reminder ${when(entry.next.nextAt)}` : 'no reminders left';
    return `**${entry.line}**\n  ${next}`;
  });
  return [...lines, `Times follow your timezone, ${status.timezone} (\`/remind timezone\` changes it).`, rulesLine(status.rules)].join('\n');
}
