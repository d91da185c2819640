// One entry for every interaction: it enforces the command's requirements, then runs the handler
// inside an error boundary. A MemberError is shown to the member as is (ephemeral); any other error
// becomes "Something went wrong (ref XXXX)" for the member and a log line with the same ref.
import { MessageFlags, type Interaction } from 'discord.js';
import { errorRef } from '../error-ref.ts';
import { MemberError } from '../member-error.ts';
import { parseCustomId, type BotContext, type CommandModule } from './command.ts';
import { enforceRequirements } from './requirements.ts';
import { measureInteraction } from './interaction-metrics.ts';

export type Router = {
  handle(interaction: Interaction): Promise<void>;
  /** Stops taking new interactions; resolves when those in progress have finished. */
  drain(timeoutMs: number): Promise<void>;
};

export function createRouter(commands: Map<string, CommandModule>, ctx: BotContext): Router {
  let accepting = true;
  const inFlight = new Set<Promise<void>>();

  function commandNameOf(interaction: Interaction): string {
    return interaction.isChatInputCommand() || interaction.isAutocomplete()
      ? interaction.commandName
      : interaction.isMessageComponent() || interaction.isModalSubmit()
        ? parseCustomId(interaction.customId).command
        : '';
  }

  function commandOf(interaction: Interaction): CommandModule {
    const name = commandNameOf(interaction);
    const command = commands.get(name);
    if (!command) throw new Error(`no command "${name}" for interaction type ${interaction.type}`);
    return command;
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    const command = commandOf(interaction);
    if (interaction.isAutocomplete()) {
      // Suggestions are not a use: a member who may not use the command just gets none.
      try {
        enforceRequirements(command, interaction);
      } catch {
        await interaction.respond([]);
        return;
      }
      await command.autocomplete?.(interaction, ctx);
      return;
    }
    enforceRequirements(command, interaction);
    if (interaction.isChatInputCommand()) {
      await command.execute(interaction, ctx);
    } else if (interaction.isMessageComponent()) {
      if (!command.handleComponent) throw new Error(`no component handler for ${interaction.customId}`);
      await command.handleComponent(interaction, ctx);
    } else if (interaction.isModalSubmit()) {
      if (!command.handleModal) throw new Error(`no modal handler for ${interaction.customId}`);
      await command.handleModal(interaction, ctx);
    }
  }

  async function handleSafely(interaction: Interaction): Promise<void> {
    const started = performance.now();
    // Suggestions are not uses: autocomplete is left out of the counts. A name no command has
    // (a button of a removed command) is counted as "unknown", so the labels stay few.
    const name = commandNameOf(interaction);
    const measured = ctx.metrics && !interaction.isAutocomplete() ? measureInteraction(interaction, commands.has(name) ? name : 'unknown', ctx.metrics) : undefined;
    // Discord's 3 seconds are a rule: a handler that has not acknowledged in time (the database
    // hanging, say) gets an apology sent for it, and its own late answer is dropped.
    let apologised = false;
    const guard = setTimeout(() => {
      if (!isUnacknowledged(interaction)) return;
      apologised = true;
      ctx.logger.warn({ interaction: describe(interaction) }, 'interaction not acknowledged in time; apologised');
      void tellMember(interaction, 'The bot could not answer in time (it is waiting on its database). Please try again in a minute.').catch(
        (replyError: unknown) => ctx.logger.warn({ err: replyError }, 'could not apologise for a late answer'),
      );
    }, ACK_DEADLINE_MS);
    guard.unref();
    try {
      await dispatch(interaction);
      measured?.('ok');
      ctx.logger.debug({ interaction: describe(interaction), ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (error) {
      measured?.(error instanceof MemberError ? 'refused' : 'error');
      if (apologised) {
        ctx.logger.warn({ err: error, interaction: describe(interaction) }, 'a late interaction failed after its apology');
        return;
      }
      if (error instanceof MemberError) {
        ctx.logger.info({ code: error.code, details: error.details, interaction: describe(interaction) }, 'interaction refused');
        await tellMember(interaction, error.memberMessage).catch((replyError: unknown) =>
          ctx.logger.warn({ err: replyError }, 'could not tell the member why the interaction was refused'),
        );
        return;
      }
      const ref = errorRef();
      ctx.logger.error({ err: error, ref, interaction: describe(interaction) }, 'interaction failed');
      await tellMember(interaction, `Something went wrong (ref ${ref}). The moderators can find what happened in the bot's log with this ref.`).catch(
        (replyError: unknown) => ctx.logger.warn({ err: replyError, ref }, 'could not tell the member about the error'),
      );
    } finally {
      clearTimeout(guard);
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

/** When the router answers for a handler that has not acknowledged: before Discord's 3 seconds. */
const ACK_DEADLINE_MS = 2_500;

function isUnacknowledged(interaction: Interaction): boolean {
  if (interaction.isAutocomplete()) return !interaction.responded;
  return interaction.isRepliable() && !interaction.replied && !interaction.deferred;
}

/** Discord's limit for a message's content. */
const MAX_CONTENT = 2000;

async function tellMember(interaction: Interaction, text: string): Promise<void> {
  const content = text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT - 1)}…` : text;
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
