/**
 * CPU time of the bench's two processes: this one (handlers, engine, SDK, HTTP: process.cpuUsage) and DynamoDB
 * Local's JVM, read from /proc. CPU per claim varies less from run to run than the time does on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * DynamoDB Local's process, for its CPU time: the java child of this process (the embedded runtime spawns it). Not
 * the machine's newest java, which on a shared machine may be another run's. Undefined where pgrep is not there.
 */
export function storePid(): number | undefined {
  try {
    const pid = execFileSync('pgrep', ['-n', '-P', String(process.pid), 'java'])
      .toString()
      .trim();
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}
/** The JVM's CPU time so far, in ms (0 when unknown). */
export function jvmCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0; // `pgrep -n java` is machine-wide: on a shared machine the newest java may be another user's, now gone
  }
  return cpuMsOfStat(stat);
}

/**
 * utime + stime of a /proc `stat` line (a process's or a thread's), in ms (10 ms clock ticks). The fields are
 * counted after the name's closing parenthesis: the name itself may hold spaces and parentheses.
 */
function cpuMsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** What a JVM thread of DynamoDB Local does, from its name in /proc (Jetty's request pool is `qtp…`). */
export type StoreThread = 'sqlite' | 'requests' | 'jit' | 'gc' | 'other';
function threadKind(name: string): StoreThread {
  if (name.startsWith('SQLiteQueue')) return 'sqlite';
  if (name.startsWith('qtp')) return 'requests';
  if (/CompilerThre/.test(name)) return 'jit';
  if (/^(GC Thread|G1 |VM Thread)/.test(name)) return 'gc';
  return 'other';
}

/**
 * The JVM's CPU time so far by kind of thread, in ms (/proc/<pid>/task). It shows what bounds the store: DynamoDB
 * Local runs every SQLite statement on its one SQLite thread and holds per-table locks on the request threads, so
 * the two together cannot use much more than one core however many cores the machine has (docs/performance.md,
 * "2026-12-02, fourth session: what bounds the embedded store").
 */
export function jvmThreadCpuMs(pid: number | undefined): Record<StoreThread, number> {
  const out: Record<StoreThread, number> = { sqlite: 0, requests: 0, jit: 0, gc: 0, other: 0 };
  if (!pid) return out;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    out[threadKind(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))] += cpuMsOfStat(stat);
  }
  return out;
}

/** Cores each kind of store thread used over a window (`after - before` over `seconds`), and their total. */
export function storeCores(before: Record<StoreThread, number>, after: Record<StoreThread, number>, seconds: number) {
  const cores = (k: StoreThread) => Math.round(((after[k] - before[k]) / 1000 / seconds) * 100) / 100;
  const byThread = { sqlite: cores('sqlite'), requests: cores('requests'), jit: cores('jit'), gc: cores('gc'), other: cores('other') };
  const total = Math.round(Object.values(byThread).reduce((a, b) => a + b, 0) * 100) / 100;
  return { total, ...byThread };
}

/** "0.95 (SQLite thread 0.47, request threads 0.27, JIT 0.18, GC 0.02)" */
export function storeCoresLine(c: ReturnType<typeof storeCores>): string {
  return `${c.total} (SQLite thread ${c.sqlite}, request threads ${c.requests}, JIT ${c.jit}, GC ${c.gc}, other ${c.other})`;
}
