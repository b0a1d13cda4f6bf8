package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, read from Linux's /proc (the machines this runs on).
 * Values are -1 where /proc is unavailable.
 */
record ProcessStats(long cpuMillis, long rssBytes) {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux we run on

  /** The sum over {@code pids}: the CPU and memory of a fleet of processes on this machine. */
  static ProcessStats ofAll(java.util.List<Long> pids) {
    long cpu = 0;
    long rss = 0;
    for (long pid : pids) {
      ProcessStats one = of(pid);
      cpu += one.cpuMillis();
      rss += one.rssBytes();
    }
    return new ProcessStats(cpu, rss);
  }

  static ProcessStats of(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which may contain spaces, start after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
      long rss = -1;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return new ProcessStats(ticks * 1000 / CLOCK_TICKS_PER_SECOND, rss);
    } catch (IOException | RuntimeException e) {
      return new ProcessStats(-1, -1);
    }
  }
}
