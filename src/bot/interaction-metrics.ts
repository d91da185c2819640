// Counts one interaction for the metrics: its outcome, and how long its first acknowledgement took.
// The acknowledging methods of this one interaction object are wrapped, so every command is
// measured without knowing it; the time runs from the router's receipt, on performance.now()
// (a duration, not a moment), to the moment Discord accepted the acknowledgement.
import type { Interaction } from 'discord.js';
import type { InteractionOutcome, Metrics } from '../metrics/metrics.ts';

/** The calls that acknowledge an interaction; the first to succeed is its acknowledgement. */
const ACKNOWLEDGING_METHODS = ['reply', 'deferReply', 'update', 'deferUpdate', 'showModal'] as const;

/** Starts measuring an interaction just received; call the returned function with its outcome. */
export function measureInteraction(interaction: Interaction, command: string, metrics: Metrics): (outcome: InteractionOutcome) => void {
  const received = performance.now();
  let acknowledged = false;
  const methods = interaction as unknown as Record<string, unknown>;
  for (const name of ACKNOWLEDGING_METHODS) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = async (...args: unknown[]) => {
      const result: unknown = await original.apply(interaction, args);
      if (!acknowledged) {
        acknowledged = true;
        metrics.interactionAcknowledged((performance.now() - received) / 1000);
      }
      return result;
    };
  }
  return (outcome) => metrics.interactionHandled(command, outcome);
}
