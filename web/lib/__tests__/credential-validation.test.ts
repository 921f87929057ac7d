import {
  createCredentialFormSchema,
  isHttpUrl,
  maskKey,
  providerLabel,
  toCreateCredentialRequest,
} from "@/lib/validations/credential";

describe("createCredentialFormSchema", () => {
  const valid = { provider: "openai", label: " Prod ", key: " sk-1 ", baseUrl: "" } as const;

  it("trims the label and the key", () => {
    expect(createCredentialFormSchema.parse(valid)).toEqual({ provider: "openai", label: "Prod", key: "sk-1", baseUrl: "" });
  });

  it("rejects a key with inner whitespace", () => {
    const r = createCredentialFormSchema.safeParse({ ...valid, key: "sk 1" });
    expect(r.success).toBe(false);
  });

  it("counts label characters by code point", () => {
    expect(createCredentialFormSchema.safeParse({ ...valid, label: "😀".repeat(100) }).success).toBe(true);
    expect(createCredentialFormSchema.safeParse({ ...valid, label: "😀".repeat(101) }).success).toBe(false);
  });

  it("ignores the base URL except for openai-compatible", () => {
    expect(createCredentialFormSchema.safeParse({ ...valid, baseUrl: "nonsense" }).success).toBe(true);
    const r = createCredentialFormSchema.safeParse({ ...valid, provider: "openai-compatible", baseUrl: "nonsense" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["baseUrl"]);
  });
});

describe("isHttpUrl", () => {
  it.each([
    ["http://127.0.0.1:11434/v1", true],
    ["https://llm.example.com/v1", true],
    ["ftp://llm.example.com", false],
    ["https://user:pw@llm.example.com", false],
    ["llm.example.com/v1", false],
    ["", false],
  ])("%s → %s", (url, want) => {
    expect(isHttpUrl(url)).toBe(want);
  });
});

describe("toCreateCredentialRequest", () => {
  it("sends the workspace when given and the base URL only for openai-compatible", () => {
    expect(toCreateCredentialRequest({ provider: "gemini", label: "G", key: "k", baseUrl: "https://x" })).toEqual({
      provider: "gemini",
      label: "G",
      key: "k",
    });
    expect(
      toCreateCredentialRequest({ provider: "openai-compatible", label: "L", key: "k", baseUrl: "https://x/v1" }, "ws"),
    ).toEqual({ workspaceId: "ws", provider: "openai-compatible", label: "L", key: "k", baseUrl: "https://x/v1" });
  });
});

describe("labels", () => {
  it("masks a key and names providers", () => {
    expect(maskKey("abcd")).toBe("••••abcd");
    expect(providerLabel("gemini")).toBe("Google Gemini");
    expect(providerLabel("openai-compatible")).toBe("OpenAI-compatible");
  });
});
