"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2Icon, MailCheckIcon } from "lucide-react";
import Link from "next/link";
import { ClientResponseError } from "pocketbase";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";

import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/forms";
import { getPb, USERS_COLLECTION } from "@/lib/pocketbase";
import {
  forgotPasswordSchema,
  type ForgotPasswordFormInput,
  type ForgotPasswordFormValues,
} from "@/lib/validations/auth";

/** True for failures worth telling the user: they could not reach the server or it broke. */
function isTransportFailure(err: unknown): boolean {
  return err instanceof ClientResponseError && (err.status === 0 || err.status === 429 || err.status >= 500);
}

/**
 * Asks Pocketbase to mail a reset link. Whether the account exists is never
 * revealed: the same message follows any answer but a transport failure.
 */
export function ForgotPasswordForm() {
  const [sent, setSent] = useState(false);
  const form = useForm<ForgotPasswordFormInput, unknown, ForgotPasswordFormValues>({
    resolver: zodResolver(forgotPasswordSchema),
    defaultValues: { email: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await getPb().collection(USERS_COLLECTION).requestPasswordReset(values.email);
    } catch (err) {
      if (isTransportFailure(err)) {
        toast.error("Could not send the request", { description: errorMessage(err) });
        return;
      }
    }
    setSent(true);
  });

  return (
    <div className="grid gap-4">
      <div aria-live="polite">
        {sent ? (
          <Alert>
            <MailCheckIcon aria-hidden="true" />
            <AlertTitle>Check your inbox</AlertTitle>
            <AlertDescription>
              If an account exists for that email, we sent a link to reset its password.
            </AlertDescription>
          </Alert>
        ) : null}
      </div>
      <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Reset password">
        <FormField id="forgot-email" label="Email" error={errors.email?.message}>
          {(aria) => <Input type="email" autoComplete="email" {...aria} {...form.register("email")} />}
        </FormField>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
          Send reset link
        </Button>
      </form>
      <p className="text-center text-sm text-muted-foreground">
        <Link href="/sign-in/" className="text-primary underline-offset-4 hover:underline">
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
