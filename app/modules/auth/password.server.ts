import { hash, verify } from "@node-rs/argon2";
import { Semaphore } from "./semaphore";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

// A few hashes at a time: bursts of sign-in attempts queue rather than use all CPU and memory.
export const ARGON2_CONCURRENCY = 4;
export const argon2Slots = new Semaphore(ARGON2_CONCURRENCY);

export function hashPassword(password: string) {
  return argon2Slots.run(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string) {
  return argon2Slots.run(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}
