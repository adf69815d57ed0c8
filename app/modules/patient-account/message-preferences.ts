import { z } from "zod";

/**
 * The patient's message channels, as the account form posts them: a ticked checkbox sends "on",
 * an unticked one sends nothing. Plain module so the form and the action share it.
 */
const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("1"), z.literal("")])
  .optional()
  .transform((v) => v === "on" || v === "true" || v === "1");

export const messagePreferencesSchema = z.object({ smsMessages: checkbox, emailMessages: checkbox });

export type MessagePreferences = z.output<typeof messagePreferencesSchema>;
