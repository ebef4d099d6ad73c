import {mkdirSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {LoadResult} from './load.js';

/** What a soak run measured: the load and the process's memory before and after it. */
export interface SoakReport {
  readonly date: string;
  readonly node: string;
  readonly connections: number;
  readonly warmupRequests: number;
  readonly load: LoadResult;
  /** The function process's resident set size (from /proc). */
  readonly rssAfterWarmupMiB: number;
  readonly rssAtEndMiB: number;
  readonly rssGrowthMiB: number;
}

const RESULTS = fileURLToPath(new URL('../../../results/', import.meta.url));

/** The report as a two-column table for the terminal. */
export function formatReport(report: SoakReport): string {
  const {load} = report;
  const rows: [string, string][] = [
    ['requests', String(load.requests)],
    ['req/s', load.perSecond.toFixed(0)],
    ['latency p50', `${load.p50Ms} ms`],
    ['latency p99', `${load.p99Ms} ms`],
    ['non-2xx, body mismatches, errors', `${load.non2xx}, ${load.mismatches}, ${load.errors}`],
    ['RSS after warm-up', `${report.rssAfterWarmupMiB.toFixed(1)} MiB`],
    ['RSS at end', `${report.rssAtEndMiB.toFixed(1)} MiB`],
    ['RSS growth', `${report.rssGrowthMiB.toFixed(1)} MiB`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

/** Writes the report as results/soak-<date>.json; returns the path. */
export function writeReport(report: SoakReport): string {
  mkdirSync(RESULTS, {recursive: true});
  const path = `${RESULTS}soak-${report.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}
