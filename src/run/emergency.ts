/**
 * Last words for a crashing process: hooks that save what was measured when statebench dies of
 * an unexpected error (main.ts runs them before stopping the children and exiting).
 */
const hooks = new Set<(reason: string) => Promise<void>>();

export function onEmergency(hook: (reason: string) => Promise<void>): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs every hook once, each bounded, never throwing. */
export async function runEmergencyHooks(reason: string): Promise<void> {
  const pending = [...hooks];
  hooks.clear();
  await Promise.allSettled(
    pending.map((hook) => Promise.race([hook(reason), new Promise<void>((r) => setTimeout(r, 2000).unref())])),
  );
}
