// A tiny TAP printer: "ok N - what" per check, "#" lines for details, the
// plan at the end. scripts/test-summary counts each ok / not ok line.
export class Tap {
  constructor() {
    this.n = 0;
    this.failed = 0;
    this.closed = false;
  }

  // After an interruption nothing more is reported: the run is over.
  close(why) {
    this.bail(why);
    this.closed = true;
  }

  check(ok, what, details = []) {
    if (this.closed) return false;
    this.n += 1;
    if (!ok) this.failed += 1;
    process.stdout.write(`${ok ? 'ok' : 'not ok'} ${this.n} - ${what}\n`);
    if (!ok) for (const d of details) this.comment(`  ${d}`);
    return ok;
  }

  comment(text) {
    if (this.closed) return;
    for (const line of String(text).split('\n').slice(0, 60)) process.stdout.write(`# ${line}\n`);
  }

  // The run could not go on: one failing line that says why.
  bail(why) {
    this.check(false, 'the browser tests could run', String(why).split('\n'));
  }

  plan() {
    process.stdout.write(`1..${this.n}\n`);
  }
}
