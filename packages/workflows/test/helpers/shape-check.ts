// Runs a list of shape checks on the real pipeline, then each check's mutations: every check must
// hold as the workflows are and fail when what it protects changes.
import type { Test } from 'tap';
import { readPipeline, type Mutation, type Pipeline } from './real-workflows.ts';

export interface ShapeCheck {
  /** What the pipeline must keep, in words. */
  readonly what: string;
  readonly holds: (p: Pipeline) => boolean;
  /** Changes of the real workflows that must make the check fail. */
  readonly mutations: readonly Mutation[];
}

export function runShapeChecks(t: Test, checks: readonly ShapeCheck[]): void {
  const real = readPipeline();
  for (const check of checks) {
    void t.test(check.what, (t) => {
      t.ok(check.holds(real), 'holds for the workflows as they are');
      t.ok(check.mutations.length > 0, 'has at least one mutation');
      for (const m of check.mutations) t.notOk(check.holds(readPipeline(m)), `fails when ${m.file}: ${m.what}`);
      t.end();
    });
  }
}
