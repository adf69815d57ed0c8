/** The people in a definition: a clinic's staff, and the platform's operators (tenants/operators.json). */
import { z } from "zod";
import { MAX_BIO_LENGTH, MAX_LANGUAGES } from "~/modules/clinic/doctor-profile-rules";
import { duplicates, email, oneOf, password, section, STAFF_ROLES, text, WORK_STATUSES } from "./tenant-fields";

export const staffMemberSchema = z
  .strictObject(
    {
      email,
      name: text(120),
      roles: z
        .array(oneOf(STAFF_ROLES), section('a list of roles such as ["doctor"]'))
        .min(1, "must list at least one role")
        .refine((roles) => new Set(roles).size === roles.length, "must not repeat a role"),
      specialty: text(120).optional(),
      workStatus: oneOf(WORK_STATUSES).optional(),
      /** What a doctor tells patients on their page, and the languages they see patients in. */
      bio: z.string(section("text")).trim().max(MAX_BIO_LENGTH, `must be at most ${MAX_BIO_LENGTH} characters`).optional(),
      languages: z
        .array(text(40), section('a list of languages such as ["English", "Spanish"]'))
        .max(MAX_LANGUAGES, `must list at most ${MAX_LANGUAGES} languages`)
        .optional(),
      /** Demo data only: real staff choose their password through the emailed reset link. */
      password: password.optional(),
    },
    section(),
  )
  .superRefine((member, ctx) => {
    const isDoctor = member.roles.includes("doctor");
    if (member.specialty !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["specialty"], message: "only doctors have a specialty" });
    if (member.workStatus !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["workStatus"], message: "only doctors have a work status" });
    if (member.bio !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["bio"], message: "only doctors have an introduction" });
    if (member.languages !== undefined && !isDoctor) ctx.addIssue({ code: "custom", path: ["languages"], message: "only doctors list languages" });
  });

/** `tenants/operators.json`: the platform operators, the people who run Medslot itself. */
export const operatorsSchema = z
  .array(z.strictObject({ email, name: text(120), password: password.optional() }, section()), section('a JSON list such as [{"email": "…", "name": "…"}]'))
  .superRefine((operators, ctx) => {
    for (const { value, index } of duplicates(operators.map((o) => o.email))) {
      ctx.addIssue({ code: "custom", path: [index, "email"], message: `${value} is listed twice` });
    }
  });

export type OperatorDefinition = z.infer<typeof operatorsSchema>[number];
