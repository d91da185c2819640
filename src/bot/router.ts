// One entry for every interaction, with an error boundary: a thrown error becomes an ephemeral
// "Something went wrong (ref XXXX)" for the member and a log line with the same ref.
import { randomBytes } from 'node:crypto';
import { MessageFlags, type Interaction } from 'discord.js';
import { parseCustomId, type BotContext, type CommandModule } from './command.ts';

export function errorRef(): string {
  return randomBytes(3).toString('hex').toUpperCase().slice(0, 4);
}

export type Router = {
  handle(interaction: Interaction): Promise<void>;
  /** Stops taking new interactions; resolves when those in progress have finished. */
  drain(timeoutMs: number): Promise<void>;
};

export function createRouter(commands: Map<string, CommandModule>, ctx: BotContext): Router {
  let accepting = true;
  const inFlight = new Set<Promise<void>>();

  async function dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const command = commands.get(interaction.commandName);
      if (!command) throw new Error(`no handler for /${interaction.commandName}`);
      await command.execute(interaction, ctx);
    } else if (interaction.isAutocomplete()) {
      await commands.get(interaction.commandName)?.autocomplete?.(interaction, ctx);
    } else if (interaction.isMessageComponent()) {
      const command = commands.get(parseCustomId(interaction.customId).command);
      if (!command?.handleComponent) throw new Error(`no component handler for ${interaction.customId}`);
      await command.handleComponent(interaction, ctx);
    } else if (interaction.isModalSubmit()) {
      const command = commands.get(parseCustomId(interaction.customId).command);
      if (!command?.handleModal) throw new Error(`no modal handler for ${interaction.customId}`);
      await command.handleModal(interaction, ctx);
    }
  }

  async function handleSafely(interaction: Interaction): Promise<void> {
    const started = performance.now();
    try {
      await dispatch(interaction);
      ctx.logger.debug({ interaction: describe(interaction), ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (error) {
      const ref = errorRef();
      ctx.logger.error({ err: error, ref, interaction: describe(interaction) }, 'interaction failed');
      await tellMember(interaction, `Something went wrong (ref ${ref}). The moderators can find what happened in the bot's log with this ref.`).catch(
        (replyError: unknown) => ctx.logger.warn({ err: replyError, ref }, 'could not tell the member about the error'),
      );
    }
  }

  return {
    async handle(interaction) {
      if (!accepting) return;
      const task = handleSafely(interaction);
      inFlight.add(task);
      try {
        await task;
      } finally {
        inFlight.delete(task);
      }
    },
    async drain(timeoutMs) {
      accepting = false;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
  };
}

async function tellMember(interaction: Interaction, content: string): Promise<void> {
  if (interaction.isAutocomplete()) {
    if (!interaction.responded) await interaction.respond([]);
    return;
  }
  if (!interaction.isRepliable()) return;
  if (interaction.deferred || interaction.replied) {
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  }
}

function describe(interaction: Interaction): Record<string, unknown> {
  const base = { id: interaction.id, guildId: interaction.guildId, userId: interaction.user.id };
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
    return { ...base, command: interaction.commandName, subcommand: interaction.options.getSubcommand(false) };
  }
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return { ...base, customId: interaction.customId };
  return base;
}
