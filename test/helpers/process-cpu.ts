// CPU time used by processes (all their threads), read from Linux's /proc, for the benchmarks that
// say where a request's time goes: the server's own CPU and the database server's. Each thread's
// time on CPU in nanoseconds (/proc/PID/task/TID/schedstat), else its user and system time in clock
// ticks (/proc/PID/stat, 10 ms steps). Where there is no /proc (macOS, say), nothing is measured and
// callers print "-".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { dynamicQuery, num, type Engine } from "@/db/engine";

/** CPU seconds used so far by each process that is still running, by pid. */
export type CpuTimes = Map<number, number>;

export const cpuMeasurable = fs.existsSync("/proc/self/stat");

let ticks: number | undefined;

/** The kernel's clock ticks per second, in which /proc counts CPU time (almost always 100). */
function ticksPerSecond(): number {
  if (ticks === undefined) {
    const n = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim());
    ticks = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticks;
}

const nanosecondTimes = fs.existsSync("/proc/self/task") && fs.existsSync(`/proc/self/task/${process.pid}/schedstat`);

/** CPU seconds of one process, its threads' summed; undefined once it has exited. */
function cpuOf(pid: number): number | undefined {
  try {
    if (nanosecondTimes) {
      let ns = 0;
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        try {
          // The first field: time on CPU, in nanoseconds.
          ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        } catch {
          // the thread ended meanwhile
        }
      }
      return ns / 1e9;
    }
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command name, which sits in parentheses and may hold anything, utime and stime are the 12th and 13th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** CPU seconds of each of `pids` (a process that has exited is left out). */
export function cpuTimes(pids: Iterable<number>): CpuTimes {
  const out: CpuTimes = new Map();
  if (!cpuMeasurable) return out;
  for (const pid of pids) {
    const seconds = cpuOf(pid);
    if (seconds !== undefined) out.set(pid, seconds);
  }
  return out;
}

/** `pid` and every process below it (a server that forks workers counts them too). */
export function withDescendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length && cpuMeasurable; i++) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const child of fs.readFileSync(`/proc/${out[i]}/task/${tid}/children`, "utf8").trim().split(/\s+/)) if (child) out.push(Number(child));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

const BACKENDS = dynamicQuery("select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'", (r) => num(r.pid));
const OTHER_BACKENDS = dynamicQuery("select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()", (r) => num(r.pid));

/**
 * The PostgreSQL connections (server processes) on `db`'s database, to read their CPU; with
 * `exceptAsking`, all but the one that asks. None where nothing is measured or `db` is not PostgreSQL.
 */
export async function postgresBackends(db: Pick<Engine, "kind" | "many">, options: { exceptAsking?: boolean } = {}): Promise<number[]> {
  if (db.kind !== "postgres" || !cpuMeasurable) return [];
  return db.many(options.exceptAsking ? OTHER_BACKENDS : BACKENDS);
}

/** CPU seconds spent between two readings: by the processes of `after`, counting one that started in between from zero. */
export function cpuSpent(before: CpuTimes, after: CpuTimes): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
