import { parseSuperuserSession, storedSuperuserSession, SUPERUSER_SESSION_KEY } from "@/lib/superuser-session";

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

const now = new Date("2026-05-01T12:00:00Z");
const nowSeconds = Math.floor(now.getTime() / 1000);

function token(exp: number | undefined): string {
  const payload = exp === undefined ? { type: "auth" } : { type: "auth", exp };
  return `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url(payload)}.sig`;
}

const superuser = { id: "su1", email: "root@example.com", collectionName: "_superusers" };

describe("parseSuperuserSession", () => {
  it("reads the token and email the admin UI stored", () => {
    const raw = JSON.stringify({ token: token(nowSeconds + 600), record: superuser });
    expect(parseSuperuserSession(raw, now)).toEqual({ token: token(nowSeconds + 600), email: "root@example.com" });
  });

  it("accepts a session whose record is missing or has no email", () => {
    const t = token(nowSeconds + 600);
    expect(parseSuperuserSession(JSON.stringify({ token: t, record: null }), now)).toEqual({ token: t, email: "" });
    expect(parseSuperuserSession(JSON.stringify({ token: t }), now)).toEqual({ token: t, email: "" });
  });

  it.each([
    ["nothing stored", null],
    ["an empty string", ""],
    ["text that is not JSON", "not json"],
    ["JSON without a token", JSON.stringify({ record: superuser })],
    ["an empty token", JSON.stringify({ token: "", record: superuser })],
    ["a token that is not a JWT", JSON.stringify({ token: "opaque", record: superuser })],
    ["an expired token", JSON.stringify({ token: token(nowSeconds - 1), record: superuser })],
    ["a token without expiry", JSON.stringify({ token: token(undefined), record: superuser })],
    ["a user's session, not a superuser's", JSON.stringify({ token: token(nowSeconds + 600), record: { ...superuser, collectionName: "users" } })],
  ])("is null for %s", (_name, raw) => {
    expect(parseSuperuserSession(raw, now)).toBeNull();
  });
});

describe("storedSuperuserSession", () => {
  afterEach(() => window.localStorage.clear());

  it("reads the admin UI's key of this origin's storage", () => {
    expect(SUPERUSER_SESSION_KEY).toBe("__pb_superusers__/_");
    expect(storedSuperuserSession()).toBeNull();
    window.localStorage.setItem(SUPERUSER_SESSION_KEY, "{}");
    expect(storedSuperuserSession()).toBe("{}");
  });
});
