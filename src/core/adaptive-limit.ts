/**
 * The rate an upstream really allows, learned (AIMD): its 429 lowers a bucket's rate to the limit
 * it stated, or halves it when it stated none; after a quiet period the rate climbs back linearly
 * toward the configured one, so that a limit raised again (credit added) is found again. The
 * configured rate is the ceiling. Pure functions of an injected time, so the in-process bucket
 * (token-bucket.ts) and the one shared in PostgreSQL (store/shared-limits-repo.ts) agree.
 */

export interface Budget {
  perMinute: number;
  burst: number;
}

/** What an upstream said it allows when it refused: a rate, and maybe the burst it lets through. */
export interface StatedLimit {
  perMinute: number;
  burst?: number;
}

/** The rate the upstream allowed when it last refused (or, at the ceiling, first answered). */
export interface LearnedLimit {
  perMinute: number;
  /** The bucket's size while below the configured rate: the upstream's stated burst, else 1. */
  burst: number;
  /** When it was learned (ms): the quiet period counts from here. */
  at: number;
}

/**
 * No climb for this long after a decrease. Replicate lowers a limit while an account's credit is
 * low, and says the new limit in its 429: each probe above it costs a 429, so probes are rare.
 */
export const QUIET_MS = 5 * 60_000;
/** Then the rate climbs by this share of the configured rate each minute (back in ten minutes). */
export const CLIMB_SHARE_PER_MINUTE = 0.1;
/** Share of a limit the upstream stated that gengate uses: requests that leave evenly arrive bunched. */
export const STATED_SHARE = 0.99;
/**
 * 429s this soon after a decrease answer requests sent before it took effect: the same overload,
 * not a reason to halve again.
 */
export const SAME_EPISODE_MS = 2_000;
const MIN_PER_MINUTE = 1;

/** The rate allowed at `now`: the configured one until the upstream refused, then the learned one, climbing. */
export function rateAt(ceiling: number, learned: LearnedLimit | null, now: number): number {
  if (!learned) return ceiling;
  const climbMs = Math.max(0, now - learned.at - QUIET_MS);
  return Math.min(ceiling, learned.perMinute + (climbMs * ceiling * CLIMB_SHARE_PER_MINUTE) / 60_000);
}

/**
 * The bucket's rate and size at `now`. Below the configured rate the size is the burst the
 * upstream stated, or 1: a burst is what drew the 429.
 */
export function budgetAt(configured: Budget, learned: LearnedLimit | null, now: number): Budget {
  const perMinute = rateAt(configured.perMinute, learned, now);
  if (!learned || perMinute >= configured.perMinute) return { perMinute, burst: configured.burst };
  return { perMinute, burst: Math.max(1, Math.min(configured.burst, learned.burst)) };
}

/**
 * After a 429 at `now`: the limit the upstream stated, or half the current rate, unless this 429
 * belongs to a decrease made moments ago.
 */
export function lowered(
  configured: Budget,
  learned: LearnedLimit | null,
  now: number,
  stated?: StatedLimit,
): LearnedLimit {
  if (stated !== undefined) {
    return {
      perMinute: Math.max(MIN_PER_MINUTE, Math.min(configured.perMinute, stated.perMinute * STATED_SHARE)),
      burst: Math.max(1, Math.floor(stated.burst ?? 1)),
      at: now,
    };
  }
  if (learned && now - learned.at < SAME_EPISODE_MS) return learned;
  const current = rateAt(configured.perMinute, learned, now);
  return { perMinute: Math.max(MIN_PER_MINUTE, current / 2), burst: 1, at: now };
}

/** What an answer that says the upstream's remaining budget teaches a bucket that knew nothing. */
export function firstAnswer(configured: Budget): LearnedLimit {
  return { perMinute: configured.perMinute, burst: configured.burst, at: 0 };
}

/** Whether the rate is still the configured one: nothing was refused since it was configured. */
export function unlowered(configured: Budget, learned: LearnedLimit | null, now: number): boolean {
  return rateAt(configured.perMinute, learned, now) >= configured.perMinute;
}
