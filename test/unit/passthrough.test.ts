import { describe, expect, it } from 'vitest';
import { findOtherScp, isOwnInvocation as isOwn, loopMessage, runsUs, type LauncherWords, type PathLookup } from '../../src/launch/passthrough.js';
import { launcherWords } from '../../src/cli.js';
import { MESSAGES } from '../../src/messages/index.js';

/** The registry's commands, in its order: every list of commands a test expects starts with them. */
const MESSAGE_COMMANDS = MESSAGES.map((message) => message.command);

const words = (line: string) => (line === '' ? [] : line.split(' '));
/** The launcher's words, read off the program as the build reads them. */
const OURS = launcherWords();
const isOwnInvocation = (argv: readonly string[]) => isOwn(argv, OURS);

describe('launcherWords: the commands and short options, read off the program', () => {
  it('names every command the program has, the help command included, and each one\'s short options', () => {
    expect(Object.keys(OURS.commands)).toEqual([...MESSAGE_COMMANDS, 'simulate', 'doctor', 'journal', 'config', 'completion', 'help']);
    expect(Object.keys(OURS.root).sort()).toEqual(['-V', '-h', '-v']);
    expect(OURS.commands.set).toEqual({ word: false, shorts: { '-y': false, '-h': false, '-V': false, '-v': false } });
    expect(OURS.commands.config!.word).toBe(true);
    expect(OURS.commands.completion!.word).toBe(true);
  });

  it('a new command is ours in every form without touching the launcher', () => {
    const more: LauncherWords = { ...OURS, commands: { ...OURS.commands, status: { word: false, shorts: { '-h': false, '-w': true } } } };
    for (const line of ['status', 'status -h', 'status -w 5', 'status -w']) expect(isOwn(words(line), more), line).toBe(true);
    for (const line of ['status host:', 'status -x']) expect(isOwn(words(line), more), line).toBe(false);
  });
});

describe('isOwnInvocation: ours or OpenSSH scp', () => {
  it.each([
    '',
    'clear',
    'clear -y',
    'clear -v -y',
    'clear -vy',
    'clear -V',
    'set',
    'set -y',
    'set -h',
    'set -v',
    'set -V',
    'schedule',
    'schedule -h',
    'schedule -v',
    'simulate -V',
    'config -V',
    'completion -v',
    'completion bash -v',
    'help -v',
    '-v clear',
    '-v set -y',
    'simulate',
    'config',
    'config show',
    'config path -v',
    'completion bash',
    'completion tcsh',
    'config shwo',
    'help',
    'help clear',
    '-h',
    '-V',
    '--help',
    '--version',
    // a lone word one edit away from a command: our typo (issue #42)
    'stauts',
    'sceduhle',
    'claer',
    'staus',
    'jornal',
    '-v stauts',
  ])('%j is ours', (line) => expect(isOwnInvocation(words(line))).toBe(true));

  it.each([
    // a long option anywhere: OpenSSH's scp has none
    'clera --id 1',
    'clera --id 1 --broker mqtt://127.0.0.1:1883',
    'somefile --json',
    '-v clear --id 1',
    'clear --id=1',
    'host:f . --verbose',
  ])('%j is ours, for its long option', (line) => expect(isOwnInvocation(words(line))).toBe(true));

  it.each([
    '-r dir host:',
    '-P 2222 f host:',
    '-3 a:f b:f',
    '-v f host:',
    'host:f .',
    'somefile host:/tmp/',
    // files named like our commands, with no long option: a copy
    'clear host:/tmp/',
    'simulate host:',
    'config host:/etc/',
    'config show host:',
    'completion host:',
    'help host:',
    'clear -r host:',
    'set host:/tmp/',
    'schedule -r host:',
    'set -vr host:',
    './set host:',
    '-v',
    '-v set host:',
    'clear backup',
    'config backup/',
    // a word one edit from a command, with a second operand: a copy
    'stauts host:',
    'claer backup',
    // a lone word that is no near miss: a file (OpenSSH says what is wrong with it)
    'statistics',
    'notes.txt',
    'completion ~/.bashrc.d',
    // after a bare --, everything is a file name for OpenSSH
    '-- f host:',
    '-- --id host:',
    '-r -- --odd-name host:',
  ])('%j goes to OpenSSH', (line) => expect(isOwnInvocation(words(line))).toBe(false));
});

/** A PATH made of plain records: which files exist (with their real path) and how they start. */
function fakePath(files: Record<string, { real?: string; head?: string }>): PathLookup {
  const heads = new Map(Object.entries(files).map(([path, file]) => [file.real ?? path, file.head ?? '']));
  return {
    executable: (path) => (path in files ? (files[path]!.real ?? path) : undefined),
    head: (path) => heads.get(path) ?? '',
  };
}

describe('findOtherScp: the first scp in PATH that is not this tool', () => {
  const launcher = '/opt/smart-charging/bin/scp.js';
  const ours = new Set([launcher]);
  const ssh = { '/usr/bin/scp': { head: '\x7fELF\x02\x01\x01' } };

  it('skips a link to our launcher', () => {
    const lookup = fakePath({ '/home/u/.npm/bin/scp': { real: launcher }, ...ssh });
    expect(findOtherScp('/home/u/.npm/bin:/usr/bin', ours, lookup)).toBe('/usr/bin/scp');
  });

  it('skips a script that runs our launcher by its path', () => {
    const lookup = fakePath({ '/home/u/bin/scp': { head: `#!/bin/sh\nexec node ${launcher} "$@"\n` }, ...ssh });
    expect(findOtherScp('/home/u/bin:/usr/bin', ours, lookup)).toBe('/usr/bin/scp');
  });

  it('skips a pnpm-style shim into the smart-charging package', () => {
    const head = '#!/bin/sh\nbasedir=$(dirname "$0")\nexec node "$basedir/global/5/node_modules/smart-charging/bin/scp.js" "$@"\n';
    const lookup = fakePath({ '/home/u/.pnpm/scp': { head }, ...ssh });
    expect(findOtherScp('/home/u/.pnpm:/usr/bin', ours, lookup)).toBe('/usr/bin/scp');
  });

  it('keeps a wrapper of OpenSSH and any binary: only the mark can tell those', () => {
    const wrapper = { '/home/u/bin/scp': { head: '#!/bin/sh\nexec /usr/bin/scp -o BatchMode=yes "$@"\n' } };
    expect(findOtherScp('/home/u/bin:/usr/bin', ours, fakePath({ ...wrapper, ...ssh }))).toBe('/home/u/bin/scp');
    expect(findOtherScp('/usr/bin', ours, fakePath(ssh))).toBe('/usr/bin/scp');
  });

  it('finds nothing when every scp is ours, and skips empty PATH entries', () => {
    const lookup = fakePath({ '/a/scp': { real: launcher }, '/b/scp': { head: `#!/usr/bin/env node\n// ${launcher}` } });
    expect(findOtherScp('::/a:/b/', ours, lookup)).toBeUndefined();
    expect(findOtherScp(undefined, ours, lookup)).toBeUndefined();
  });

  it('runsUs needs a shebang: a binary that happens to hold the text is not a script', () => {
    expect(runsUs(`\x7fELF ${launcher}`, ours)).toBe(false);
    // an empty entry (no argv[1] to resolve) matches nothing
    expect(runsUs('#!/bin/sh\nexec /opt/tools/bin/scp.js "$@"\n', new Set(['']))).toBe(false);
  });
});

describe('loopMessage', () => {
  it('names the scp that was found, says it runs this tool, and gives the three remedies on one line', () => {
    const line = loopMessage('/home/u/.shims/scp');
    expect(line).not.toMatch(/\n/);
    expect(line).toMatch(/^\/home\/u\/\.shims\/scp runs this tool again/);
    expect(line).toMatch(/SCP_NO_PASSTHROUGH=1/);
    expect(line).toMatch(/smart-charging/);
    expect(line).toMatch(/ahead of \/home\/u\/\.shims in PATH/);
  });
});
