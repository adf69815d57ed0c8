/** Words and choices the series and override pages show in the browser (no server code here). */

export const WEEKDAY_WORDS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export const OVERRIDE_ROLE_SETTINGS = ["owner", "owner_and_secretaries"] as const;
export type OverrideRoleSetting = (typeof OVERRIDE_ROLE_SETTINGS)[number];

export const OVERRIDE_SETTING_WORDS: Record<OverrideRoleSetting, string> = {
  owner: "The owner only",
  owner_and_secretaries: "The owner and secretaries",
};
