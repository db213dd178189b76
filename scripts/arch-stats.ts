/**
 * The architecture in figures, for reviews of the source tree: imports between the top-level
 * folders of src/ (type-only imports included: they couple too), import cycles between files, and
 * the longest functions. `node dist/scripts/arch-stats.js [--json]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { packageRoot } from '../src/io/package-root.js';

const SRC = join(packageRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

interface FunctionLength {
  readonly name: string;
  readonly file: string;
  readonly lines: number;
}

function analyse(file: string): { imports: string[]; functions: FunctionLength[] } {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const functions: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const specifier = node.moduleSpecifier.text;
      if (specifier.startsWith('.')) imports.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node)
    ) {
      const body = node.body;
      if (body && ts.isBlock(body)) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        functions.push({ name: functionName(node, source), file: relative(SRC, file), lines: end - start + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, functions };
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  return `(anonymous at line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})`;
}

/** Tarjan's strongly connected components: every component of more than one file is a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(SRC, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) connect(v);
  return found;
}

function main(): void {
  const files = sourceFiles(SRC);
  const graph = new Map<string, string[]>();
  const between = new Map<string, number>();
  const functions: FunctionLength[] = [];
  for (const file of files) {
    const { imports, functions: found } = analyse(file);
    graph.set(file, imports);
    functions.push(...found);
    for (const target of imports) {
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) between.set(`${from} → ${to}`, (between.get(`${from} → ${to}`) ?? 0) + 1);
    }
  }
  const total = [...between.values()].reduce((a, b) => a + b, 0);
  const reach = new Map<string, Set<string>>();
  for (const key of between.keys()) {
    const [from, to] = key.split(' → ') as [string, string];
    reach.set(from, (reach.get(from) ?? new Set()).add(to));
  }
  const longest = functions.sort((a, b) => b.lines - a.lines).slice(0, 10);
  const found = cycles(graph);
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ files: files.length, between: Object.fromEntries(between), cycles: found, longest }, null, 2),
    );
    return;
  }
  console.log(`${files.length} files; ${total} imports between folders`);
  for (const [key, count] of [...between.entries()].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(count).padStart(3)}  ${key}`);
  console.log('folders each folder imports:');
  for (const [from, to] of [...reach.entries()].sort((a, b) => b[1].size - a[1].size))
    console.log(`  ${from}: ${to.size} (${[...to].sort().join(', ')})`);
  console.log(`import cycles: ${found.length}`);
  for (const cycle of found) console.log(`  ${cycle.join(' ↔ ')}`);
  console.log('ten longest functions:');
  for (const f of longest) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  (${f.file})`);
}

main();
