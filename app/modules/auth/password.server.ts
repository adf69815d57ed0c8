import { hash, verify } from "@node-rs/argon2";
import { FairQueue } from "./fair-queue";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/**
 * A few hashes at a time (bursts queue rather than use all CPU and memory), shared fairly between
 * client networks: one network's flood holds at most half the slots and waits in its own line,
 * so a sign-in from anywhere else starts at the next free slot instead of behind the flood.
 */
export const ARGON2_CONCURRENCY = 4;
export const ARGON2_PER_NETWORK = 2;
/** Beyond this many waiting, a network's further attempts are refused at once. */
export const ARGON2_MAX_WAITING_PER_NETWORK = 64;
export const argon2Slots = new FairQueue(ARGON2_CONCURRENCY, ARGON2_PER_NETWORK, ARGON2_MAX_WAITING_PER_NETWORK);

/** Work the server does for itself (seeding, invitations) rather than for a client's network. */
export const SERVER_WORK = "server";

/** Only a client network's line is bounded; the server's own work (imports, invitations) always waits its turn. */
const lineLimit = (network: string) => (network === SERVER_WORK ? Number.POSITIVE_INFINITY : ARGON2_MAX_WAITING_PER_NETWORK);

export function hashPassword(password: string, network: string = SERVER_WORK) {
  return argon2Slots.run(network, () => hash(password, OPTIONS), lineLimit(network));
}

export async function verifyPassword(passwordHash: string, password: string, network: string = SERVER_WORK) {
  return argon2Slots.run(network, async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }, lineLimit(network));
}
