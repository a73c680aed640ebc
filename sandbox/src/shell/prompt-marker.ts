/**
 * @module How a persistent bash tells us a command ended, without polling: before every prompt
 * its `PROMPT_COMMAND` prints an OSC string carrying a per-session nonce, the exit status and
 * the working directory (OpenHands' PS1 trick, as a terminal escape so it never reads as text).
 * Commands reach bash through a file it reads and `eval`s, so a command of any length or number
 * of lines is one unit with one marker, and the line typed into the terminal stays short.
 */

/** Where the prompt marker starts: OSC, a private number, the session's nonce. */
function markerPrefix(nonce: string): string {
  return `\u001B]6973;${nonce};`;
}
const MARKER_END = '\u0007';
/** A marker longer than this is not one (a path is at most 4096 bytes, escaped three times). */
const MAX_MARKER = 16 * 1024;

/**
 * The line typed for every command: loads the command file (restoring `$?` of the previous
 * command, and changing directory if asked), then `eval`s it at top level, so `cd`, variables,
 * functions and aliases persist exactly as if it had been typed.
 */
export const LAUNCH_LINE = '__hf_load && if __hf_status; then eval "$__hf_c"; else eval "$__hf_c"; fi';

/** What bash prints back when the launch line is typed (the terminal echoes it). */
export const LAUNCH_ECHO = `${LAUNCH_LINE}\r\n`;

/**
 * The rc file of a session. History and history expansion are off, prompts are empty, and the
 * marker function is read-only, so a command cannot switch completion detection off by accident.
 */
export function rcScript(nonce: string, commandFile: string): string {
  return `set +o history
unset HISTFILE
set +H
PS1='' PS2='' PS4='+ '
__hf_prompt() {
  local s=$? d=$PWD
  d=\${d//%/%25}; d=\${d//$'\\n'/%0A}; d=\${d//$'\\a'/%07}; d=\${d//$'\\e'/%1B}
  printf '\\033]6973;${nonce};%d;%s\\007' "$s" "$d"
  PS1='' PS2=''
  unset __hf_c __hf_d __hf_e
}
__hf_load() {
  __hf_s=$?
  { IFS= read -r -d '' __hf_d; IFS= read -r -d '' __hf_e; IFS= read -r -d '' __hf_c; } < ${shellQuote(commandFile)}
  # Variables set since the last command (secrets): no trace, even under set -x.
  { [ -z "$__hf_e" ] || eval "$__hf_e"; } 2>/dev/null
  [ -z "$__hf_d" ] || builtin cd -- "$__hf_d"
}
__hf_status() { return "$__hf_s"; }
readonly -f __hf_prompt __hf_load __hf_status
PROMPT_COMMAND=__hf_prompt
readonly PROMPT_COMMAND
`;
}

/**
 * The command file's content: the directory to change to first ('' for none), NUL, a script that
 * updates the environment first ('' for none; see `environmentUpdate`), NUL, the command.
 */
export function commandFileContent(command: string, cwd: string | undefined, envScript = ''): string {
  // bash cannot hold NUL in a string; it drops NULs from typed input too.
  return `${cwd ?? ''}\0${envScript}\0${command.replaceAll('\0', '')}`;
}

/** `text` in single quotes for bash. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", String.raw`'\''`)}'`;
}

/** What a prompt marker says about the command that just ended. */
export interface PromptMarker {
  exitCode: number;
  /** The shell's `$PWD`. */
  cwd: string;
}

/** A piece of the terminal stream: text, or a prompt marker at that point. */
export type ScanEvent = { kind: 'text'; text: string } | { kind: 'marker'; marker: PromptMarker };

/**
 * Finds prompt markers in the raw terminal stream as it arrives, also when one is split across
 * chunks, and passes everything else on as text in order.
 */
export class MarkerScanner {
  readonly #prefix: string;
  #held = '';

  constructor(nonce: string) {
    this.#prefix = markerPrefix(nonce);
  }

  /** Splits the next chunk into text and markers; a possible marker start is held back. */
  feed(chunk: string): ScanEvent[] {
    const data = this.#held + chunk;
    this.#held = '';
    const events: ScanEvent[] = [];
    const text = (value: string): void => {
      if (value.length > 0) events.push({ kind: 'text', text: value });
    };
    let position = 0;
    for (;;) {
      const start = data.indexOf(this.#prefix, position);
      if (start < 0) {
        const hold = partialPrefixStart(data, this.#prefix, position);
        text(data.slice(position, hold));
        this.#held = data.slice(hold);
        return events;
      }
      const end = data.indexOf(MARKER_END, start + this.#prefix.length);
      const marker = end < 0 ? undefined : parseMarker(data.slice(start + this.#prefix.length, end));
      if (marker === undefined && (end >= 0 || data.length - start > MAX_MARKER)) {
        // Not a marker after all: pass its first character on as text and look further.
        text(data.slice(position, start + 1));
        position = start + 1;
        continue;
      }
      text(data.slice(position, start));
      if (marker === undefined) {
        this.#held = data.slice(start);
        return events;
      }
      events.push({ kind: 'marker', marker });
      position = end + 1;
    }
  }
}

/** Where a trailing, possibly incomplete, marker prefix starts (`data.length` if none). */
function partialPrefixStart(data: string, prefix: string, from: number): number {
  const candidate = data.lastIndexOf(prefix.charAt(0));
  if (candidate < from || data.length - candidate >= prefix.length) return data.length;
  return prefix.startsWith(data.slice(candidate)) ? candidate : data.length;
}

function parseMarker(body: string): PromptMarker | undefined {
  const match = /^(\d{1,3});([\s\S]*)$/.exec(body);
  if (match === null) return undefined;
  const cwd = (match[2] ?? '').replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return { exitCode: Number(match[1]), cwd };
}
