/**
 * PURE. How many members of a group may be down at once, Kubernetes-style (rolling.go's
 * ResolveFenceposts with maxSurge fixed at 0: a host cannot run the old and the new container
 * side by side, they share ports on the host network).
 */
import type { IntOrPercent } from "./types.js";

/**
 * A percentage rounds down, as k8s rounds maxUnavailable down (it rounds maxSurge up): 25% of
 * 10 conductors is 2, 25% of 3 is 0. With no surge, 0 would never make progress, so k8s bumps
 * it to 1: 25% of 3 → 1. A count is capped at the group size: 5 of a 3-host group is 3.
 */
export function maxUnavailableOf(value: IntOrPercent, groupSize: number): number {
  if (groupSize <= 0) return 0;
  const raw =
    typeof value === "number"
      ? value
      : Math.floor((groupSize * Number(value.replace("%", ""))) / 100);
  return Math.max(1, Math.min(raw, groupSize));
}

/**
 * A cluster with a quorum (a pack's member wait says so) keeps it only while a majority is up:
 * at most ⌊(n−1)/2⌋ members down (1 of 3, 2 of 5), and never fewer than 1 so a 1- or 2-member
 * cluster can still be upgraded (with an outage the plan says out loud).
 */
export function quorumCap(members: number): number {
  return Math.max(1, Math.floor((members - 1) / 2));
}
