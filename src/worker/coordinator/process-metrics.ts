import { availableParallelism, totalmem } from "node:os";

interface ProcessFigures {
  /** Share of the whole machine's CPU this process used since the last call, 0–100. */
  cpuUsage: number;
  /** Resident memory as a share of the machine's memory, 0–100. */
  memoryUsage: number;
  /** Seconds since the process started. */
  uptime: number;
}

/** Real figures for the heartbeat, measured between calls. */
export class ProcessMetrics {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private readonly cores = availableParallelism();

  sample(): ProcessFigures {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const wallMicros = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const cpuUsage = Math.min(100, ((cpu.user + cpu.system) / (wallMicros * this.cores)) * 100);
    return {
      cpuUsage: round1(cpuUsage),
      memoryUsage: round1(Math.min(100, (process.memoryUsage.rss() / totalmem()) * 100)),
      uptime: Math.floor(process.uptime()),
    };
  }
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
