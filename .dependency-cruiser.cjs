// The rooms of src/ and which may import which: data flows one way, fetch → verify → compare →
// report. `npx depcruise src` (run by the tests, tests/docs/architecture.test.ts) fails on a break.
const room = (name) => `^src/${name}/`;
const mayImport = {
  model: ['model'],
  io: ['model', 'io'],
  formats: ['model', 'io', 'formats'],
  profile: ['model', 'io', 'formats', 'profile'],
  rules: ['model', 'formats', 'profile', 'rules'],
  sources: ['model', 'io', 'formats', 'profile', 'sources'],
  report: ['model', 'io', 'formats', 'report'],
  run: ['model', 'io', 'formats', 'profile', 'rules', 'sources', 'report', 'run'],
  cli: ['model', 'io', 'profile', 'report', 'run', 'cli'],
};
const rooms = Object.keys(mayImport);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import circle ties modules that should be layered',
      from: {},
      to: { circular: true },
    },
    {
      name: 'known-rooms',
      severity: 'error',
      comment: `every source file lives in one of the rooms: ${rooms.join(', ')}`,
      from: { path: '^src/', pathNot: `^src/(${rooms.join('|')})/` },
      to: {},
    },
    ...rooms.map((name) => ({
      name: `${name}-imports`,
      severity: 'error',
      comment: `${name}/ may import only ${mayImport[name].join(', ')}`,
      from: { path: room(name) },
      to: { path: '^src/', pathNot: `^src/(${mayImport[name].join('|')})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
