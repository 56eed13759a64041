import { describe, expect, it } from "vitest";
import vectors from "../src/lib/validation-vectors.json";
import * as v from "../src/lib/validate";
import type { Field } from "../src/lib/types";

type Err = { field: string; rule: string };
type Case<I, O> = { input: I; ok?: O; error?: Err; field?: string };

function expectChecked<T>(got: v.Checked<T>, c: Case<unknown, unknown>) {
  if (c.error) {
    expect(got.ok, JSON.stringify(c.input)).toBe(false);
    if (!got.ok) {
      expect({ field: got.field, rule: got.rule }).toEqual(c.error);
      expect(got.message).toBe(`${v.FIELD_LABELS[got.field]}: ${c.error.rule}`);
    }
  } else {
    expect(got, JSON.stringify(c.input)).toEqual({ ok: true, value: c.ok });
  }
}

describe("validation vectors shared with crates/core", () => {
  it("has cases for every rule", () => {
    for (const k of [
      "username",
      "phone",
      "serial",
      "email",
      "otpPair",
      "profileName",
      "profileDraft",
    ])
      expect((vectors as unknown as Record<string, unknown[]>)[k].length).toBeGreaterThan(3);
  });

  for (const c of vectors.username as Case<string, string>[])
    it(`username ${JSON.stringify(c.input).slice(0, 30)}`, () =>
      expectChecked(v.username(c.input, c.field as Field), c));

  for (const c of vectors.phone as Case<string, string>[])
    it(`phone ${JSON.stringify(c.input)}`, () => expectChecked(v.phone(c.input), c));

  for (const c of vectors.serial as Case<string, string>[])
    it(`serial ${JSON.stringify(c.input).slice(0, 30)}`, () => expectChecked(v.serial(c.input), c));
  for (const c of vectors.email as Case<string, string>[])
    it(`email ${JSON.stringify(c.input).slice(0, 30)}`, () => expectChecked(v.email(c.input), c));

  for (const c of vectors.otpPair as Case<[string, string], [string, string]>[])
    it(`otp pair ${JSON.stringify(c.input)}`, () =>
      expectChecked(v.otpPair(c.input[0], c.input[1]), c));

  for (const c of vectors.profileName as Case<string, string>[])
    it(`profile name ${JSON.stringify(c.input).slice(0, 30)}`, () =>
      expectChecked(v.profileName(c.input), c));

  type Draft = {
    name: string;
    url: string;
    admin: string;
    basePath: string | null;
    timeoutSecs: number | null;
  };
  for (const c of vectors.profileDraft as Case<Draft, v.NormalisedProfile>[])
    it(`profile draft ${JSON.stringify(c.input)}`, () => {
      const r = v.profileDraft({
        name: c.input.name,
        url: c.input.url,
        admin: c.input.admin,
        basePath: c.input.basePath ?? "",
        timeout: c.input.timeoutSecs === null ? "" : String(c.input.timeoutSecs),
      });
      if (c.error) {
        expect(r.first && { field: r.first.field, rule: r.first.rule }).toEqual(c.error);
        expect(r.value).toBeNull();
      } else {
        expect(r.first).toBeNull();
        expect(r.value).toEqual(c.ok);
      }
    });
});

describe("inline profile errors", () => {
  it("reports every field's problem at once", () => {
    const r = v.profileDraft({
      name: "a b",
      url: "http://mfa.example.com",
      admin: "",
      basePath: "x",
      timeout: "abc",
    });
    expect(Object.keys(r.errors).sort()).toEqual(
      ["adminUsername", "basePath", "profileName", "timeout", "url"].sort(),
    );
    expect(r.first?.field).toBe("profileName");
  });
  it("accepts an empty timeout as the default", () => {
    expect(v.timeout("")).toEqual({ ok: true, value: null });
    expect(v.timeout(" 45 ")).toEqual({ ok: true, value: 45 });
    expect(v.timeout("4.5").ok).toBe(false);
  });
  it("requires secrets to be non-blank", () => {
    expect(v.secret(" ", "authToken")).toMatchObject({
      ok: false,
      message: "Auth token: must not be empty",
    });
  });
});
