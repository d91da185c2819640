// The one error type whose message an operator sees as is: a setting, the database, Discord or a
// file of the project is wrong, and the message names the cause and the fix. The command line
// prints it as one line with no stack (the full error goes to the debug log); any other error is
// a bug and keeps its stack.
export class OperatorError extends Error {}
