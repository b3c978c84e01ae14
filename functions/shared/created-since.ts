/**
 * Claims are created after the index event or the feed that files them, so a count of "its claims in status S"
 * reads the claims' byStatus index (status, createdAt) only from its start: the cost is what it filed and what
 * else came in since, not every claim in that status the system holds. This much earlier is still read, for
 * clocks that disagree (the record and its claims are written by different Lambda hosts).
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The lowest `createdAt` of the claims filed by something started at `startedAt` (an ISO instant). */
export function claimsCreatedSince(startedAt: string): string {
  return new Date(Date.parse(startedAt) - CLOCK_SKEW_MS).toISOString();
}
