import { describe, expect, test } from "vitest";
import { checkDoctorPhoto, doctorProfileForm, initialsOf, splitLanguages } from "./doctor-profile-rules";

describe("languages", () => {
  test("are split on commas, written as patients read the known ones, kept as typed otherwise, once each", () => {
    expect(splitLanguages(" english,SPANISH ;  chinese (mandarin)\nTatar, English, ,")).toEqual(["English", "Spanish", "Chinese (Mandarin)", "Tatar"]);
    expect(splitLanguages("")).toEqual([]);
  });

  test("refuse what is not a language name, and more than eight", () => {
    const refused = (languages: string) => {
      const parsed = doctorProfileForm.safeParse({ bio: "", languages });
      return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(refused("English, Deutsch, Oʻzbek, Русский, 中文")).toBeNull();
    expect(refused("English, http://spam.example")).toEqual(["languages: “http://spam.example” is not a language name. Use letters only, such as Spanish, and separate languages with commas."]);
    expect(refused("a, b, c, d, e, f, g, h, i")).toEqual(["languages: List at most 8 languages (9 were given)."]);
    expect(refused(`${"x".repeat(41)}`)).toEqual(["languages: “xxxxxxxxxxxxxxxxxxxx…” is too long for a language name (at most 40 characters)."]);
  });
});

test("the introduction is trimmed, blank is none, and at most 1000 characters", () => {
  expect(doctorProfileForm.parse({ bio: "  \r\n ", languages: "" })).toEqual({ bio: null, languages: [] });
  expect(doctorProfileForm.parse({ bio: " One.\r\n\r\nTwo. ", languages: "" }).bio).toBe("One.\n\nTwo.");
  expect(doctorProfileForm.safeParse({ bio: "x".repeat(1001), languages: "" }).success).toBe(false);
});

test("a photo is a PNG, JPEG or WebP by its bytes, at most 1 MB", () => {
  expect(checkDoctorPhoto(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ ok: true, type: "image/jpeg" });
  expect(checkDoctorPhoto(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toMatchObject({ ok: false, message: expect.stringMatching(/not a PNG, JPEG or WebP/) });
  expect(checkDoctorPhoto(new Uint8Array(1024 * 1024 + 1).fill(0xff))).toMatchObject({ ok: false, message: expect.stringMatching(/1\.0 MB; a photo may be at most 1 MB/) });
});

test("initials leave out titles and take the first and last name", () => {
  expect(initialsOf("Dr. Maria Alvarez")).toBe("MA");
  expect(initialsOf("Dr. Luis García Márquez")).toBe("LM");
  expect(initialsOf("Katrin Vogel")).toBe("KV");
  expect(initialsOf("Prof. Ölçer")).toBe("Ö");
  expect(initialsOf("Dr.")).toBe("?");
});
