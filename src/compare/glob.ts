/**
 * Path patterns for comparison rules: `*` matches within one path segment (anything but `/`),
 * `**` matches across segments (anything), every other character itself.
 *
 * Matched by simulating the pattern as an automaton over its positions, one path character at a
 * time: time is the path's length times the pattern's, whatever the pattern. The regular
 * expression this replaced (`**` as `.*`, `*` as `[^/]*`) backtracked: a pattern with several
 * `**` took seconds on one long member name of a hostile archive.
 */
export interface Glob {
  test(path: string): boolean;
}

type Token = { kind: 'char'; char: string } | { kind: 'star' } | { kind: 'globstar' };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char !== '*') tokens.push({ kind: 'char', char });
    else if (pattern[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      i++;
    } else tokens.push({ kind: 'star' });
  }
  return tokens;
}

export function compileGlob(pattern: string): Glob {
  const tokens = tokenize(pattern);
  const end = tokens.length;
  /** A wildcard may match nothing: being before it is also being after it (in order, so chains close). */
  const close = (states: Uint8Array) => {
    for (let i = 0; i < end; i++) if (states[i] && tokens[i]!.kind !== 'char') states[i + 1] = 1;
  };
  return {
    test(path: string): boolean {
      let current = new Uint8Array(end + 1);
      let next = new Uint8Array(end + 1);
      current[0] = 1;
      close(current);
      // By UTF-16 code unit, as the pattern is read (and as the regular expression matched).
      for (let at = 0; at < path.length; at++) {
        const char = path[at]!;
        next.fill(0);
        let alive = false;
        for (let i = 0; i < end; i++) {
          if (!current[i]) continue;
          const token = tokens[i]!;
          if (token.kind === 'char') {
            if (token.char === char) {
              next[i + 1] = 1;
              alive = true;
            }
          } else if (token.kind === 'globstar' || char !== '/') {
            next[i] = 1;
            alive = true;
          }
        }
        if (!alive) return false;
        close(next);
        [current, next] = [next, current];
      }
      return current[end] === 1;
    },
  };
}
