/**
 * Runs a build graph: each item once the item it is built from is done, at most `jobs` at a
 * time (independent image builds overlap their downloads). The first failure stops new starts;
 * it is thrown once the builds already running have ended, so nothing is left half-built in the
 * background.
 */
export async function inDependencyOrder<
  T extends { readonly ref: string; readonly parent?: string },
>(
  items: readonly T[],
  jobs: number,
  ready: ReadonlySet<string>,
  run: (item: T) => Promise<void>,
): Promise<void> {
  const done = new Set(ready);
  const waiting = [...items];
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const startable = (): T | undefined => {
    const i = waiting.findIndex((t) => t.parent === undefined || done.has(t.parent));
    return i < 0 ? undefined : waiting.splice(i, 1)[0];
  };
  for (;;) {
    while (failure === undefined && running.size < Math.max(1, jobs)) {
      const next = startable();
      if (next === undefined) break;
      const p: Promise<void> = run(next).then(
        () => {
          done.add(next.ref);
          running.delete(p);
        },
        (error: unknown) => {
          failure ??= { error };
          running.delete(p);
        },
      );
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (failure !== undefined) throw failure.error;
  if (waiting.length > 0)
    throw new Error(
      `builds whose parent is never built: ${waiting.map((t) => `${t.ref} (from ${t.parent ?? "?"})`).join(", ")}`,
    );
}
