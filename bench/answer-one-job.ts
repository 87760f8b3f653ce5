// Imports nothing: a bench child loads only what it runs (run-child.ts pulls in the process reaper and topologies).
/**
 * The child's side of runChild (run-child.ts): takes the one job sent over IPC, runs it, sends back
 * `{type:'result'}` or `{type:'error'}`, then exits; exits too when the parent goes away.
 */
export function answerOneJob<Job, Result>(run: (job: Job) => Promise<Result>): void {
  process.once('message', (job: Job) => {
    run(job).then(
      (result) => process.send?.({ type: 'result', result }, () => process.exit(0)),
      (err: unknown) => process.send?.({ type: 'error', message: String((err as Error)?.stack ?? err) }, () => process.exit(1)),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
