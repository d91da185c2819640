// The grading process: a child of the bot that owns the grading worker threads. Uploads are parsed
// and run here, so a model that takes the memory of the machine ends this process (the bot sees it
// exit and starts another) and never the bot with its Discord connection and storage.
import { createLogger } from '../../log.ts';
import { createGrader, type Grader } from '../grader.ts';
import { lowerOwnPriority } from './priority.ts';
import { serializeError, type FromHost, type ToHost } from './protocol.ts';

const send = (message: FromHost) => process.send?.(message);

let grader: Grader | undefined;
const running = new Map<number, AbortController>();
const close = () => void (grader?.close() ?? Promise.resolve()).finally(() => process.exit(0));

process.on('message', (message: ToHost) => {
  if (message.type === 'init') {
    const { nice, ...options } = message.options;
    const logger = createLogger(options.logLevel).child({ process: 'grader' });
    // Before the grading threads start, so that they inherit it.
    if (nice !== undefined) lowerOwnPriority(nice, logger);
    grader = createGrader({ ...options, logger });
    send({ type: 'ready' });
  } else if (message.type === 'grade' && grader) {
    const abort = new AbortController();
    running.set(message.id, abort);
    grader
      .grade(message.request, { signal: abort.signal, timeoutMs: message.timeoutMs, onProgress: (progress) => send({ type: 'progress', id: message.id, progress }) })
      .then(
        (result) => send({ type: 'result', id: message.id, result }),
        (error: unknown) => send({ type: 'error', id: message.id, error: serializeError(error) }),
      )
      .finally(() => running.delete(message.id));
  } else if (message.type === 'cancel') {
    running.get(message.id)?.abort();
  } else if (message.type === 'close') {
    close();
  }
});
// The bot went away without saying so: nothing is left to grade for.
process.on('disconnect', close);
