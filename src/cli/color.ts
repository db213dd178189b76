/**
 * Whether the text report is coloured: on a terminal by default; never when NO_COLOR is set to
 * anything but the empty string (no-color.org), which wins over everything, as the user's own
 * opt-out should; when FORCE_COLOR is set to anything but the empty string (force-color.org)
 * other than "0" or "false" (which Node and chalk read as "no colour"), also when the report goes
 * to a pipe or a file.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.toLowerCase());
  return isTerminal;
}
