import type { Metadata } from "next";
import { Suspense } from "react";

import { AuthCard } from "@/components/auth-card";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <AuthCard title="Sign in" description="Welcome back. Sign in with your email and password.">
      {/* useSearchParams (for ?next=) needs a Suspense boundary in a static export. */}
      <Suspense>
        <SignInForm />
      </Suspense>
    </AuthCard>
  );
}
