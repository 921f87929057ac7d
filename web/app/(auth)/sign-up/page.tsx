import type { Metadata } from "next";

import { AuthCard } from "@/components/auth-card";
import { SignUpForm } from "@/components/sign-up-form";

export const metadata: Metadata = { title: "Sign up" };

export default function SignUpPage() {
  return (
    <AuthCard title="Create an account" description="Start organizing and running your prompts.">
      <SignUpForm />
    </AuthCard>
  );
}
