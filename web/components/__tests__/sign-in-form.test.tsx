import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ClientResponseError } from "pocketbase";

import { SignInForm } from "@/components/sign-in-form";
import { getPb } from "@/lib/pocketbase";
import { renderWithClient } from "@/test/render";

jest.mock("next/navigation", () => ({
  useRouter: () => ({ replace: jest.fn(), push: jest.fn() }),
  useSearchParams: () => new URLSearchParams(),
}));

// Pocketbase's record service is the network edge of this form.
function spyOnAuth() {
  return jest.spyOn(getPb().collection("users"), "authWithPassword");
}

afterEach(() => jest.restoreAllMocks());

describe("SignInForm", () => {
  it("asks for both fields before talking to the server", async () => {
    const auth = spyOnAuth();
    const user = userEvent.setup();
    renderWithClient(<SignInForm />);

    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Email is required.")).toBeInTheDocument();
    expect(screen.getByText("Password is required.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(auth).not.toHaveBeenCalled();
  });

  it("rejects an address that is not an email", async () => {
    const user = userEvent.setup();
    renderWithClient(<SignInForm />);

    await user.type(screen.getByLabelText("Email"), "not-an-email");
    await user.type(screen.getByLabelText("Password"), "secret123");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
  });

  it("signs in with the trimmed email and says so when credentials are wrong", async () => {
    const auth = spyOnAuth().mockRejectedValue(
      new ClientResponseError({ status: 400, response: { message: "Failed to authenticate." } }),
    );
    const user = userEvent.setup();
    renderWithClient(<SignInForm />);

    await user.type(screen.getByLabelText("Email"), "  ada@example.com ");
    await user.type(screen.getByLabelText("Password"), "secret123");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Invalid email or password.");
    expect(auth).toHaveBeenCalledWith("ada@example.com", "secret123");
  });
});
