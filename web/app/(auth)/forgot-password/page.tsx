import type { Metadata } from "next";

import { AuthCard } from "@/components/auth-card";
import { ForgotPasswordForm } from "@/components/forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Forgot your password?" description="Enter your email and we will send you a reset link.">
      <ForgotPasswordForm />
    </AuthCard>
  );
}
