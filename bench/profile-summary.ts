/**
 * `pnpm bench:profile <file.cpuprofile> [--skip-ms 0] [--until-ms N] [--requests N] [--ignore writev] [--top 25]`: where a V8 CPU profile (`node --cpu-prof`,
 * e.g. from `pnpm bench --targets service --cpu-prof DIR`) spends its time, without a GUI.
 *
 * Prints, as shares of the busy (non-idle) time:
 * - by package, self time: the package whose code was on top of the stack;
 * - by package, attributed: Node internals and V8 builtins charged to the nearest package that called them
 *   (JSON.parse called by pg counts for pg), which answers "which library's work is this";
 * - by package, inclusive: time with the package anywhere on the stack (a sample counts once per package);
 * - the top functions by self time, and by inclusive time.
 * `--skip-ms` leaves out the first milliseconds of the profile (start-up), as measured by the bench's start-up time,
 * and `--until-ms` the rest after that point (`--until-ms <start-up>` alone shows the start-up);
 * `--requests` (how many requests the profile covers, which `pnpm bench --cpu-prof` prints) adds a µs/request column;
 * `--ignore` leaves out samples whose innermost frame is that function (comma list). V8 samples wall time while
 * JavaScript runs: on a busy machine, time descheduled inside a syscall (`writev`, the socket writes) swells
 * with the neighbours' load, and ignoring it compares the rest like for like.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'skip-ms': { type: 'string', default: '0' },
    'until-ms': { type: 'string' },
    requests: { type: 'string' },
    ignore: { type: 'string', default: '' },
    top: { type: 'string', default: '25' },
  },
});
const file = positionals[0];
if (file === undefined) {
  console.error('usage: pnpm bench:profile <file.cpuprofile> [--skip-ms N] [--until-ms N] [--requests N] [--ignore writev] [--top N]');
  process.exit(2);
}
const skipMicroseconds = Number(values['skip-ms']) * 1000;
const untilMicroseconds = values['until-ms'] === undefined ? Number.POSITIVE_INFINITY : Number(values['until-ms']) * 1000;
const top = Number(values.top);
const requests = values.requests === undefined ? null : Number(values.requests);
const ignored = new Set(values.ignore.split(',').filter(Boolean));

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

/** Workspace code is named by its package (`@todo/adapters`), the rest of the repository by its folder. */
const ROOT_URL = `${pathToFileURL(resolve(import.meta.dirname, '..')).href}/`;

/** V8's pseudo-frames: not code of any package. */
const PSEUDO_FRAMES = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

function packageOf({ url, functionName }: CallFrame): string {
  if (url === '') return PSEUDO_FRAMES.has(functionName) ? functionName : '(V8 builtins)';
  if (url.startsWith('node:')) return '(node internals)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith(ROOT_URL)) {
    const [area = '', name = ''] = url.slice(ROOT_URL.length).split('/');
    return area === 'packages' || area === 'apps' ? `@todo/${name}` : area;
  }
  return url;
}

/** Whether a frame is code that some package chose to run (not Node's own machinery or V8's). */
const isPackageCode = (frame: CallFrame): boolean => {
  const owner = packageOf(frame);
  return !owner.startsWith('(');
};

function functionOf(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const modules = frame.url.lastIndexOf('/node_modules/');
  const where =
    modules >= 0
      ? frame.url.slice(modules + '/node_modules/'.length)
      : frame.url.startsWith('node:')
        ? frame.url
        : frame.url.replace(ROOT_URL, '');
  return `${name} ${where}:${frame.lineNumber + 1}`;
}

const selfByPackage = new Map<string, number>();
const attributedByPackage = new Map<string, number>();
const inclusiveByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
const add = (totals: Map<string, number>, key: string, time: number) => totals.set(key, (totals.get(key) ?? 0) + time);

let elapsed = 0;
let busy = 0;
let idle = 0;
let ignoredTime = 0;
profile.samples.forEach((sample, index) => {
  // timeDeltas[i] is the time since the previous sample: the time sample i stands for.
  const time = profile.timeDeltas[index] ?? 0;
  elapsed += time;
  if (elapsed < skipMicroseconds || elapsed > untilMicroseconds) return;
  const leaf = nodes.get(sample);
  if (leaf === undefined) return;
  if (leaf.callFrame.functionName === '(idle)') {
    idle += time;
    return;
  }
  if (ignored.has(leaf.callFrame.functionName)) {
    ignoredTime += time;
    return;
  }
  busy += time;
  add(selfByPackage, packageOf(leaf.callFrame), time);
  add(selfByFunction, functionOf(leaf.callFrame), time);
  const stack: CallFrame[] = [];
  for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) stack.push(nodes.get(id)!.callFrame);
  const owner = stack.find(isPackageCode);
  add(attributedByPackage, owner === undefined ? packageOf(leaf.callFrame) : packageOf(owner), time);
  for (const name of new Set(stack.map(packageOf))) if (name !== '(root)') add(inclusiveByPackage, name, time);
  for (const name of new Set(stack.filter(isPackageCode).map(functionOf))) add(inclusiveByFunction, name, time);
});

const share = (time: number) => `${((time / busy) * 100).toFixed(1)} %`;
function print(title: string, totals: Map<string, number>, limit: number): void {
  console.log(`\n### ${title}\n`);
  console.log(`| share of busy time | ms |${requests === null ? '' : ' µs/request |'} |`);
  console.log(`|--:|--:|${requests === null ? '' : '--:|'}---|`);
  for (const [name, time] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    const perRequest = requests === null ? '' : ` ${(time / requests).toFixed(1)} |`;
    console.log(`| ${share(time)} | ${Math.round(time / 1000)} |${perRequest} \`${name.replaceAll('|', '\\|')}\` |`);
  }
}

console.log(`## ${file}`);
console.log(
  `\nbusy ${Math.round(busy / 1000)} ms, idle ${Math.round(idle / 1000)} ms` +
    `${ignored.size > 0 ? `, ignored ${Math.round(ignoredTime / 1000)} ms in ${[...ignored].join(', ')}` : ''}` +
    `${skipMicroseconds > 0 ? ` (after skipping the first ${values['skip-ms']} ms)` : ''}` +
    `${values['until-ms'] === undefined ? '' : ` (up to ${values['until-ms']} ms)`}, ${profile.samples.length} samples` +
    `${requests === null ? '' : `, ${requests} requests: ${(busy / requests).toFixed(0)} µs of busy time per request`}`,
);
print('Packages, self time', selfByPackage, top);
print('Packages, attributed (Node internals and builtins charged to their caller)', attributedByPackage, top);
print('Packages, inclusive', inclusiveByPackage, top);
print('Functions, self time', selfByFunction, top);
print('Functions, inclusive (package code only)', inclusiveByFunction, top);
