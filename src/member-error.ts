// The one error type whose message a member sees. Anything a member did or sent that the bot
// refuses (an unusable model, an upload too large, a grade while another runs) is a MemberError:
// the router shows `memberMessage` ephemerally and logs `code` and `details`. Every other error is
// the bot's fault: the member gets "Something went wrong (ref XXXX)" and the log gets the rest.
export class MemberError extends Error {
  override name = 'MemberError';
  /** Stable, machine-readable reason, e.g. 'too-large', 'lambda-layer', 'missing-permission'. */
  readonly code: string;
  /** Written to be shown as is in Discord (plain text; names what to change). */
  readonly memberMessage: string;
  /** For the log only: never shown to the member. */
  readonly details?: Record<string, unknown>;

  constructor(code: string, memberMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(memberMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.memberMessage = memberMessage;
    this.details = options.details;
  }
}
