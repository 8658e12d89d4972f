/**
 * One status line on stderr while a scenario runs: rewritten in place on a terminal, a plain
 * line every few seconds otherwise (CI logs), so results on stdout stay clean.
 */
const tty = process.stderr.isTTY === true;

export interface Progress {
  /** Shows the current state; cheap to call often, it redraws at most ten times a second. */
  update(text: string): void;
  /** Leaves the final state on a line of its own. */
  done(text: string): void;
}

export function progress(label: string): Progress {
  const started = Date.now();
  let shownAt = 0;
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const show = (text: string, final: boolean) => {
    const line = `${label} ${text}  ${seconds()}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
  return {
    update(text) {
      const now = Date.now();
      if (now - shownAt < (tty ? 100 : 5000)) return;
      shownAt = now;
      show(text, false);
    },
    done(text) {
      show(text, true);
    },
  };
}

/** A note for the person running the bench, on stderr. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
