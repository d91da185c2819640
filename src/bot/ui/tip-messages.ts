// How tips and proposals look in Discord. Kept apart from the command so the command file only
// parses options and calls the tip service.
import { asText } from './member-text.ts';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Proposal, TipView } from '../../tips/tip-service.ts';
import { TIP_BODY_MAX, TIP_SNIPPET_MAX, TIP_TITLE_MAX } from '../../tips/tip-text.ts';
import { customId } from '../command.ts';

/** Each topic's colour, on tips and quiz questions alike. */
export const TOPIC_COLOURS: Record<string, number> = {
  fundamentals: 0xff6f00,
  'image-classification': 0x1e88e5,
  nlp: 0x43a047,
  'time-series': 0x8e24aa,
  'exam-strategy': 0xfdd835,
};

export function tipEmbed(tip: TipView): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setTitle(tip.title)
    .setDescription(tip.body)
    .setColor(TOPIC_COLOURS[tip.topic] ?? 0x607d8b)
    .addFields({ name: 'Topic', value: tip.topicName, inline: true });
  if (tip.snippet) embed.addFields({ name: 'Snippet', value: `\`\`\`python\n${tip.snippet}\n\`\`\`` });
  embed.setFooter({ text: tip.author ? `Community tip by ${tip.author.name}` : `Tip ${tip.id}` });
  return embed;
}

/** The /tip add form. Topics come from the knowledge base; Discord allows 25 select options. */
export function proposalModal(topics: ReadonlyArray<{ id: string; name: string }>): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(customId('tip', 'propose'))
    .setTitle('Propose a tip')
    .addLabelComponents(
      new LabelBuilder()
        .setLabel('Title')
        .setTextInputComponent(
          new TextInputBuilder().setCustomId('title').setStyle(TextInputStyle.Short).setMaxLength(TIP_TITLE_MAX).setRequired(true),
        ),
      new LabelBuilder()
        .setLabel('Topic')
        .setStringSelectMenuComponent(
          new StringSelectMenuBuilder()
            .setCustomId('topic')
            .setRequired(true)
            .addOptions(topics.slice(0, 25).map((t) => ({ label: t.name.slice(0, 100), value: t.id }))),
        ),
      new LabelBuilder()
        .setLabel('Tip')
        .setDescription('What should a candidate know or do? Discord markdown is fine.')
        .setTextInputComponent(
          new TextInputBuilder().setCustomId('body').setStyle(TextInputStyle.Paragraph).setMaxLength(TIP_BODY_MAX).setRequired(true),
        ),
      new LabelBuilder()
        .setLabel('Keras snippet (optional)')
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId('snippet')
            .setStyle(TextInputStyle.Paragraph)
            .setMaxLength(TIP_SNIPPET_MAX)
            .setRequired(false),
        ),
    );
}

export function problemsMessage(intro: string, problems: string[]): string {
  return [intro, ...problems.map((p) => `- ${p}`)].join('\n').slice(0, 2000);
}

export function reviewMessage(
  proposal: Proposal | undefined,
  total: number,
  topicName: (id: string) => string,
  notice?: string,
): { content: string; embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  if (!proposal) {
    return { content: [notice, 'No tips are waiting for review.'].filter(Boolean).join('\n'), embeds: [], components: [] };
  }
  const embed = new EmbedBuilder()
    .setTitle(proposal.title)
    .setDescription(proposal.body)
    .setColor(TOPIC_COLOURS[proposal.topic] ?? 0x607d8b)
    .addFields(
      { name: 'Topic', value: topicName(proposal.topic), inline: true },
      { name: 'Proposed by', value: `<@${proposal.authorId}> (${asText(proposal.authorName, 100)})`, inline: true },
    )
    .setFooter({ text: `Proposal #${proposal.id} · ${total} waiting for review` });
  if (proposal.snippet) embed.addFields({ name: 'Snippet', value: `\`\`\`python\n${proposal.snippet}\n\`\`\`` });
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('tip', 'approve', proposal.id)).setLabel('Approve').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(customId('tip', 'reject', proposal.id)).setLabel('Reject').setStyle(ButtonStyle.Danger),
  );
  return { content: notice ?? '', embeds: [embed], components: [buttons] };
}
