import fs from "node:fs";
import path from "node:path";
import type { TestInfo } from "@playwright/test";

/** Screenshots for people to look at: tests/e2e/.artifacts/<project>-<name>.png (not committed). */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, "../.artifacts");

export function screenshotPath(testInfo: TestInfo, name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${testInfo.project.name}-${name}.png`);
}
