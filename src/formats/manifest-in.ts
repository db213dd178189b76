/**
 * MANIFEST.in read the way setuptools reads it: distutils' TextFile (strip_comments, skip_blanks,
 * join_lines, lstrip_ws, rstrip_ws, collapse_join) turns physical lines into logical lines, then
 * FileList._parse_template_line splits each into an action and its arguments.
 *
 * Quirks kept on purpose, because setuptools has them:
 * - a `#` starts a comment unless the first `#` of the line is preceded by `\`; then every `\#`
 *   of the line becomes `#` and any later `#` is kept as text;
 * - a line ending in `\` joins the next one with that line's leading whitespace removed, so
 *   `include a\` + `b` is `include ab`; comment-only lines inside a continuation are skipped, a
 *   blank line ends it;
 * - words are separated by Python's whitespace (str.split), which includes \x1c-\x1f, \x85,
 *   \xa0 and other Unicode spaces, but not \u200b or a byte-order mark;
 * - a malformed line (unknown action, wrong number of words) is not an error: setuptools warns
 *   and skips it. It is kept here with the warning text.
 * Line numbers are the physical lines of MANIFEST.in. (setuptools' own warnings count lines
 * differently: its TextFile does not count comment-only lines.)
 *
 * From setuptools 72.2 (its copy of distutils) convert_path puts every argument through
 * pathlib.PurePath, so `./a` is `a`, `a//b` is `a/b` and `dir/` is `dir`; the caller says
 * whether to (`normalizeWords`).
 */

export type PatternAction = 'include' | 'exclude' | 'global-include' | 'global-exclude';
export type RecursiveAction = 'recursive-include' | 'recursive-exclude';
export type DirAction = 'graft' | 'prune';
export type TemplateAction = PatternAction | RecursiveAction | DirAction;

export type TemplateCommand =
  | { action: PatternAction; patterns: string[] }
  | { action: RecursiveAction; dir: string; patterns: string[] }
  | { action: DirAction; dirPattern: string };

export interface TemplateLine {
  /** First and last physical line (1-based) of this logical line. */
  line: number;
  lastLine: number;
  /** The logical line as setuptools hands it to process_template_line. */
  text: string;
  /** Whether a continuation line was joined to it (TextFile then counts it as a range of lines). */
  joined: boolean;
  /** The parsed command; absent when setuptools would warn and skip the line. */
  command?: TemplateCommand;
  /** setuptools' DistutilsTemplateError message for a skipped line. */
  error?: string;
}

export interface ManifestTemplate {
  lines: TemplateLine[];
  /** Warnings from reading the file itself (a continuation at the end of the file). */
  warnings: string[];
}

const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]+$`);
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`);

/** Python's str.lstrip() / str.strip() / str.split() with no arguments. */
export function pyLstrip(text: string): string {
  return text.replace(LEADING_SPACE, '');
}

export function pyStrip(text: string): string {
  return pyLstrip(text).replace(TRAILING_SPACE, '');
}

export function pySplitWords(text: string): string[] {
  const stripped = pyStrip(text);
  return stripped === '' ? [] : stripped.split(SPACE_RUN);
}

/** Physical lines as Python's text mode reads them: \r\n, \r and \n all end a line, as "\n". */
function physicalLines(text: string): string[] {
  const lines: string[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    lines.push(`${text.slice(start, m.index)}\n`);
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** TextFile's comment rule for one physical line; undefined when only a comment remains. */
function stripComment(line: string): string | undefined {
  const pos = line.indexOf('#');
  if (pos === -1) return line;
  if (pos === 0 || line[pos - 1] !== '\\') {
    const kept = line.slice(0, pos) + (line.endsWith('\n') ? '\n' : '');
    return pyStrip(kept) === '' ? undefined : kept;
  }
  return line.replaceAll('\\#', '#');
}

interface LogicalLine {
  text: string;
  line: number;
  lastLine: number;
  joined: boolean;
}

/** TextFile.readline over the whole file. */
function logicalLines(text: string, warnings: string[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  const lines = physicalLines(text);
  let buildup = '';
  let first = 0;
  let last = 0;
  for (let i = 0; i <= lines.length; i++) {
    const raw = lines[i];
    if (raw === undefined) {
      if (buildup !== '') {
        warnings.push(`line ${first}: continuation line immediately precedes end-of-file`);
        out.push({ text: buildup, line: first, lastLine: last, joined: last > first });
      }
      break;
    }
    let line = stripComment(raw);
    if (line === undefined) continue;
    if (buildup !== '') line = buildup + pyLstrip(line);
    else first = i + 1;
    last = i + 1;
    line = pyStrip(line);
    if (line === '') continue;
    if (line.endsWith('\\')) {
      buildup = line.slice(0, -1);
      continue;
    }
    buildup = '';
    out.push({ text: line, line: first, lastLine: last, joined: last > first });
  }
  return out;
}

const PATTERN_ACTIONS = new Set(['include', 'exclude', 'global-include', 'global-exclude']);
const RECURSIVE_ACTIONS = new Set(['recursive-include', 'recursive-exclude']);
const DIR_ACTIONS = new Set(['graft', 'prune']);

export interface ParseOptions {
  /** setuptools ≥ 72.2: each argument through pathlib.PurePath (see the module comment). */
  normalizeWords?: boolean;
}

/**
 * pathlib.PurePosixPath(p) as a string: empty and '.' components dropped, '..' kept, a root of
 * exactly two slashes kept (POSIX leaves it to the system), '.' for nothing.
 */
export function purePosixPath(path: string): string {
  const root = !path.startsWith('/') ? '' : path.startsWith('//') && !path.startsWith('///') ? '//' : '/';
  const joined =
    root +
    path
      .split('/')
      .filter((part) => part !== '' && part !== '.')
      .join('/');
  return joined === '' ? '.' : joined;
}

/** FileList._parse_template_line, with its DistutilsTemplateError messages. */
export function parseTemplateLine(
  text: string,
  options: ParseOptions = {},
): { command: TemplateCommand } | { error: string } {
  const split = pySplitWords(text);
  // convert_path applies to the arguments, not to the action.
  const words = options.normalizeWords ? split.map((word, i) => (i === 0 ? word : purePosixPath(word))) : split;
  const action = words[0] ?? '';
  if (PATTERN_ACTIONS.has(action)) {
    if (words.length < 2) return { error: `'${action}' expects <pattern1> <pattern2> ...` };
    return { command: { action: action as PatternAction, patterns: words.slice(1) } };
  }
  if (RECURSIVE_ACTIONS.has(action)) {
    if (words.length < 3) return { error: `'${action}' expects <dir> <pattern1> <pattern2> ...` };
    return { command: { action: action as RecursiveAction, dir: words[1]!, patterns: words.slice(2) } };
  }
  if (DIR_ACTIONS.has(action)) {
    if (words.length !== 2) return { error: `'${action}' expects a single <dir_pattern>` };
    return { command: { action: action as DirAction, dirPattern: words[1]! } };
  }
  return { error: `unknown action '${action}'` };
}

export function parseManifestTemplate(text: string, options: ParseOptions = {}): ManifestTemplate {
  const warnings: string[] = [];
  const lines = logicalLines(text, warnings).map((logical): TemplateLine => ({
    ...logical,
    ...parseTemplateLine(logical.text, options),
  }));
  return { lines, warnings };
}
