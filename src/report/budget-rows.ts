import type { ArchitectureResult, CpuUsage } from '../result/types.js';

/**
 * The CPU of each component that had a budget (`hosts:`), against it: `0.24 of 0.25`. A
 * component near its budget is saturated: what it can do is bounded by the budget, not by the
 * machine.
 */
export interface BudgetRow {
  component: string;
  /** One cell per run; undefined where the run had no such component. */
  cells: (BudgetCell | undefined)[];
}

export interface BudgetCell {
  cores: number;
  budgetCores: number;
  /** At 90% of its budget or more. */
  saturated: boolean;
  /** `0.24 of 0.25 core`. */
  text: string;
}

/** A component uses its budget up when it runs at 90% of it or more (the rest is sampling). */
export const SATURATED_SHARE = 0.9;

/** `0.24 of 0.25 core`. */
export function formatAgainstBudget(usage: Pick<CpuUsage, 'cores' | 'budgetCores'>): string {
  return `${usage.cores.toFixed(2)} of ${usage.budgetCores === undefined ? '–' : formatCores(usage.budgetCores)} core`;
}

/** `0.25`, `1.00`, `0.125`: two decimals, three when the budget has them. */
export function formatCores(cores: number): string {
  return Math.abs(cores * 100 - Math.round(cores * 100)) < 1e-9 ? cores.toFixed(2) : cores.toFixed(3);
}

/** Rows for every budgeted component of `runs`, replicas in number order, then the store's processes. */
export function budgetRows(runs: readonly (readonly ArchitectureResult[])[]): BudgetRow[] {
  const names = new Set<string>();
  for (const group of runs) for (const run of group) for (const c of run.cpu) if (c.budgetCores !== undefined) names.add(c.component);
  const ordered = [...names].sort((a, b) => Number(!a.startsWith('replica')) - Number(!b.startsWith('replica')) || a.localeCompare(b, 'en', { numeric: true }));
  return ordered.map((component) => ({
    component,
    cells: runs.map((group) => {
      // Repeated runs: the median run's figure stands for the group, as elsewhere in the table.
      const usages = group.flatMap((run) => run.cpu.filter((c) => c.component === component && c.budgetCores !== undefined));
      if (usages.length === 0) return undefined;
      const sorted = [...usages].sort((a, b) => a.cores - b.cores);
      const usage = sorted[Math.floor((sorted.length - 1) / 2)];
      const budgetCores = usage.budgetCores!;
      return { cores: usage.cores, budgetCores, saturated: usage.cores >= SATURATED_SHARE * budgetCores, text: formatAgainstBudget(usage) };
    }),
  }));
}
