/**
 * @module The processes of a terminal session. A session's shell leads its own session (its pid
 * is the session id) and, with job control, puts every job in a process group of its own; the
 * terminal's foreground group is the running command. Linux answers from /proc without a fork;
 * elsewhere `ps` does.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fields of /proc/<pid>/stat after the parenthesised name, counted from 0 (the state). */
const STAT_PGRP = 2;
const STAT_SESSION = 3;
const STAT_TPGID = 5;

/** The terminal's foreground process group as `pid` sees it; undefined if it cannot be read. */
export async function foregroundGroup(pid: number): Promise<number | undefined> {
  if (process.platform === 'linux') {
    const fields = await statFields(pid);
    return positive(fields?.[STAT_TPGID]);
  }
  const listing = await psOutput(['-o', 'tpgid=', '-p', String(pid)]);
  return positive(listing.trim());
}

/**
 * Every process group with a member in session `sid`: the shell's own, its jobs (foreground and
 * background) and whatever they started without leaving the session.
 */
export async function sessionGroups(sid: number): Promise<number[]> {
  const groups = new Set<number>([sid]);
  if (process.platform === 'linux') {
    const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name));
    const stats = await Promise.all(pids.map((pid) => statFields(Number(pid))));
    for (const fields of stats) {
      if (fields !== undefined && Number(fields[STAT_SESSION]) === sid) {
        const pgrp = positive(fields[STAT_PGRP]);
        if (pgrp !== undefined) groups.add(pgrp);
      }
    }
    return [...groups];
  }
  // Without /proc, the session's processes are those on its terminal.
  const tty = (await psOutput(['-o', 'tty=', '-p', String(sid)])).trim();
  if (tty === '' || tty === '?' || tty === '??') return [...groups];
  for (const line of (await psOutput(['-A', '-o', 'pgid=,tty='])).split('\n')) {
    const [pgid, name] = line.trim().split(/\s+/);
    const group = positive(pgid);
    if (group !== undefined && name === tty) groups.add(group);
  }
  return [...groups];
}

/** Sends `signal` to every process in group `pgid`; a group that is gone (or not ours) is skipped. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (!isErrno(error, 'ESRCH') && !isErrno(error, 'EPERM')) throw error;
  }
}

async function statFields(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The name may contain spaces and parentheses; the fields start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

async function psOutput(args: string[]): Promise<string> {
  try {
    return (await run('ps', args)).stdout;
  } catch {
    return '';
  }
}

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
