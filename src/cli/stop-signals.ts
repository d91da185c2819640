// SIGTERM and SIGINT for the long-running commands (start, worker), heard from their first moment.
// A signal while the command is still starting lets it finish starting and then stop cleanly (a
// shard manager stopping a shard it has just restarted); whatever happens, the process is gone
// `deadlineMs` after the first signal, and at once on a second one.
import type { Logger } from '../log.ts';

export type StopSignals = {
  /** The first signal's name, once one arrives. */
  readonly received: Promise<NodeJS.Signals>;
  /** Stops listening (the command ended another way, e.g. its start failed). */
  dispose(): void;
};

export function listenForStop(logger: Logger, deadlineMs: number): StopSignals {
  let deadline: NodeJS.Timeout | undefined;
  let resolveReceived!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((resolve) => (resolveReceived = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (deadline) {
      logger.error({ signal }, 'a second signal: exiting now');
      process.exit(1);
    }
    deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'did not stop in time; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    resolveReceived(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    received,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearTimeout(deadline);
    },
  };
}
