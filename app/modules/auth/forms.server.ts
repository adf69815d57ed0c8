import { z } from "zod";

/** The sign-in and account forms' fields, checked by the actions; the pages show the messages they return. */

import { EMAIL_MAX_LENGTH, PHONE_MAX_LENGTH } from "./field-limits";

export { EMAIL_MAX_LENGTH, PHONE_MAX_LENGTH };

const trimmed = (max: number, required: string) => z.string({ error: required }).trim().min(1, required).max(max, `Use at most ${max} characters.`);

export const patientSignInForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("send"), phone: z.string({ error: "Enter your mobile phone number." }).max(PHONE_MAX_LENGTH, "That number is too long."), redirectTo: z.string().optional() }),
  z.object({ intent: z.literal("resend"), redirectTo: z.string().optional() }),
  z.object({ intent: z.literal("change-number"), redirectTo: z.string().optional() }),
  z.object({
    intent: z.literal("verify"),
    code: z
      .string({ error: "Enter the 6-digit code from the text message." })
      .transform((v) => v.replace(/[\s-]/g, ""))
      .pipe(z.string().regex(/^\d{6}$/, "Enter the 6 digits from the text message.")),
    redirectTo: z.string().optional(),
  }),
  z.object({
    intent: z.literal("save-name"),
    firstName: trimmed(80, "Enter your first name."),
    lastName: trimmed(80, "Enter your last name."),
    redirectTo: z.string().optional(),
  }),
]);

export const staffSignInForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("password"),
    email: z.string({ error: "Enter your email address." }).trim().min(1, "Enter your email address.").max(EMAIL_MAX_LENGTH).email("Enter an email address like name@clinic.com."),
    password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(1024),
    redirectTo: z.string().optional(),
  }),
  z.object({
    intent: z.literal("totp"),
    code: z
      .string({ error: "Enter the 6-digit code from your authenticator app." })
      .transform((v) => v.replace(/\s/g, ""))
      .pipe(z.string().regex(/^\d{6}$/, "Enter the 6 digits from your authenticator app.")),
    redirectTo: z.string().optional(),
  }),
  z.object({ intent: z.literal("cancel"), redirectTo: z.string().optional() }),
]);

export const forgotPasswordForm = z.object({
  email: z.string({ error: "Enter your email address." }).trim().min(1, "Enter your email address.").max(EMAIL_MAX_LENGTH).email("Enter an email address like name@clinic.com."),
});

export const resetPasswordForm = z
  .object({
    password: z.string({ error: "Choose a new password." }).min(1, "Choose a new password."),
    confirmPassword: z.string({ error: "Repeat the new password." }).min(1, "Repeat the new password."),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords don't match." });

export const accountForm = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("change-password"),
      currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password."),
      newPassword: z.string({ error: "Choose a new password." }).min(1, "Choose a new password."),
      confirmPassword: z.string({ error: "Repeat the new password." }).min(1, "Repeat the new password."),
    })
    .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords don't match." }),
  z.object({
    intent: z.literal("enable-totp"),
    setup: z.string().min(1),
    code: z
      .string({ error: "Enter the 6-digit code from your authenticator app." })
      .transform((v) => v.replace(/\s/g, ""))
      .pipe(z.string().regex(/^\d{6}$/, "Enter the 6 digits from your authenticator app.")),
  }),
  z.object({ intent: z.literal("disable-totp"), password: z.string({ error: "Enter your password." }).min(1, "Enter your password.") }),
]);
