/**
 * CPU time of the bench's two processes: this one (handlers, engine, SDK, HTTP: process.cpuUsage) and DynamoDB
 * Local's JVM, read from /proc. CPU per claim varies less from run to run than the time does on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
  const fields = (stat.split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
}
