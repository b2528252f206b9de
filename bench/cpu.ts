import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time from /proc (Linux): which process used the cores while a run was measured. */

let ticksPerSecond: number | undefined;
function tickMs(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return 1000 / ticksPerSecond;
}

/** utime + stime of one process, in ms; 0 where /proc is not there. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tickMs();
  } catch {
    return 0;
  }
}

/**
 * CPU time of the PostgreSQL backends serving one database, by pid, in ms. A backend's process
 * title (its /proc cmdline) names its database; other databases' work counts as other work.
 */
export function postgresCpuMs(database: string): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.includes(` ${database} `)) byPid.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/** Busy CPU time of the whole machine (all cores), in ms. */
export function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq: busy is all but idle and iowait.
    const [user, nice, system, , , irq, softirq] = ticks.map(Number);
    return (user + nice + system + irq + softirq) * tickMs();
  } catch {
    return 0;
  }
}

export interface CpuSample {
  server: number;
  postgres: Map<number, number>;
  runner: number;
  machine: number;
  at: number;
}

export function sampleCpu(serverPid: number, database: string): CpuSample {
  const usage = process.cpuUsage();
  return {
    server: processCpuMs(serverPid),
    postgres: postgresCpuMs(database),
    runner: (usage.user + usage.system) / 1000,
    machine: machineBusyMs(),
    at: performance.now(),
  };
}

export interface CpuUse {
  /** Server process CPU per request, ms. */
  serverMsPerRequest: number;
  /** CPU of the PostgreSQL backends serving the benchmark's database per request, ms. */
  postgresMsPerRequest: number;
  /** Share of the machine's cores used by the load generator (this process). */
  runnerShare: number;
  /** Share of the machine's cores used by anything else (other work on a shared machine). */
  otherShare: number;
}

export function cpuUse(before: CpuSample, after: CpuSample, requests: number, cores: number): CpuUse {
  const wall = after.at - before.at;
  const server = after.server - before.server;
  // Backends that started during the run count from zero; ones that ended are lost (rare: pools keep theirs).
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += Math.max(0, ms - (before.postgres.get(pid) ?? 0));
  const runner = after.runner - before.runner;
  const machine = after.machine - before.machine;
  const capacity = wall * cores;
  return {
    serverMsPerRequest: requests ? server / requests : 0,
    postgresMsPerRequest: requests ? postgres / requests : 0,
    runnerShare: capacity ? runner / capacity : 0,
    otherShare: capacity ? Math.max(0, machine - server - postgres - runner) / capacity : 0,
  };
}
