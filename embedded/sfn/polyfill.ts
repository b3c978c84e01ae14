/**
 * aws-local-stepfunctions 3 declares Node >= 22 and calls Promise.withResolvers (ES2024) inside every Task;
 * Node 20 lacks it. Installed only where missing, so newer runtimes keep their own.
 */
if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

/**
 * Timers longer than Node holds. Node clamps a delay over 2^31-1 ms (24.8 days) to 1 ms, with a warning: the
 * engine's timer for the Review task's 30-day timeout would fire at once, and any Wait or timeout past 24.8 days
 * too early. Such delays are served here by re-arming a native timer in steps until the due time; shorter ones go
 * to the native functions untouched. Installed once, in the process that runs the engine (never in a Lambda).
 */
const MAX_NATIVE_DELAY = 2 ** 31 - 1;
const LONG = Symbol.for('fangpin.longTimeout');
type Callback = (...args: unknown[]) => void;

class LongTimeout {
  readonly [LONG] = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refed = true;
  private due: number;
  constructor(
    private readonly callback: Callback,
    private readonly delay: number,
    private readonly args: unknown[],
    private readonly native: { set: typeof setTimeout; clear: typeof clearTimeout },
  ) {
    this.due = Date.now() + delay;
    this.arm();
  }
  private arm(): void {
    const left = Math.max(0, this.due - Date.now());
    this.timer =
      left > MAX_NATIVE_DELAY ? this.native.set(() => this.arm(), MAX_NATIVE_DELAY) : this.native.set(() => this.callback(...this.args), left);
    if (!this.refed) this.timer.unref();
  }
  clear(): void {
    if (this.timer) this.native.clear(this.timer);
    this.timer = undefined;
  }
  ref(): this {
    this.refed = true;
    this.timer?.ref();
    return this;
  }
  unref(): this {
    this.refed = false;
    this.timer?.unref();
    return this;
  }
  hasRef(): boolean {
    return this.refed;
  }
  refresh(): this {
    this.clear();
    this.due = Date.now() + this.delay;
    this.arm();
    return this;
  }
  close(): this {
    this.clear();
    return this;
  }
}

const g = globalThis as typeof globalThis & { [LONG]?: boolean };
if (!g[LONG]) {
  g[LONG] = true;
  const native = { set: globalThis.setTimeout, clear: globalThis.clearTimeout };
  const setLong = function setTimeout(callback: Callback, delay?: number, ...args: unknown[]) {
    if (typeof callback === 'function' && typeof delay === 'number' && delay > MAX_NATIVE_DELAY && Number.isFinite(delay))
      return new LongTimeout(callback, delay, args, native);
    return native.set(callback, delay, ...args);
  };
  const clearLong = function clearTimeout(timer: unknown) {
    if (timer instanceof LongTimeout) timer.clear();
    else native.clear(timer as ReturnType<typeof setTimeout> | undefined);
  };
  // Keep what hangs off the native function (util.promisify's custom form).
  globalThis.setTimeout = Object.assign(setLong, native.set) as unknown as typeof setTimeout;
  globalThis.clearTimeout = clearLong as typeof clearTimeout;
}

export {};
