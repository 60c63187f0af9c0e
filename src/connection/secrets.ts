/**
 * The files a setting names that scp must read before it connects (the password file, the TLS certificates and key,
 * and any other file an option names): one wording for a file that cannot be read (bad usage, exit 2, nothing sent),
 * and a word when a file that holds a secret can be read by others.
 */
import { statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { readFileBytes } from '../transport/files.js';

/** Why a file cannot be read, in words rather than the system's code. */
const FILE_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'not found',
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (permission denied)',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'not found (a part of its path is a file, not a folder)',
  ELOOP: 'not found (a loop of symbolic links)',
};

/** The one wording for a file a flag (or setting) names but we cannot read: bad usage, exit 2, nothing sent. */
export function unreadable(flag: string, path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new UsageError(`${flag}: ${JSON.stringify(path)}: ${FILE_WORDS[code] ?? `cannot be read (${code})`}`);
}

/** Why a file cannot be written there, in words. */
const WRITE_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'cannot be written (its folder does not exist)',
  EACCES: 'cannot be written (permission denied)',
  EPERM: 'cannot be written (permission denied)',
  EROFS: 'cannot be written (a read-only file system)',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'cannot be written (a part of its path is a file, not a folder)',
  ENOSPC: 'cannot be written (the disk is full)',
};

/** The one wording for a file a flag names that cannot be written: bad usage (exit 2) when asked before sending. */
export function unwritable(flag: string, path: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new UsageError(`${flag}: ${JSON.stringify(path)}: ${WRITE_WORDS[code] ?? `cannot be written (${code})`}`);
}

/** The file `flag` names, or bad usage naming the flag. */
export async function readNamed(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFileBytes(path);
  } catch (err) {
    throw unreadable(flag, path, err);
  }
}

/** As ssh does with private keys: a file of secrets that others can read is worth a word, though not a refusal. */
export function warnIfShared(label: string, path: string, warn: (message: string) => void): void {
  const { mode } = statSync(path);
  if (mode & 0o077) warn(`${label}: ${JSON.stringify(path)} can be read by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
}

/** Like git's credential files: the secret is the file's content less one trailing newline. */
export async function readPassword(label: string, path: string, warn: (message: string) => void): Promise<string> {
  const text = (await readNamed(label, path)).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`${label}: ${JSON.stringify(path)} is empty`);
  warnIfShared(label, path, warn);
  return text;
}
