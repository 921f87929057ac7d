"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { AlertCircleIcon, Loader2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { ClientResponseError } from "pocketbase";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/forms";
import { getPb, USERS_COLLECTION } from "@/lib/pocketbase";
import { safeNextPath, signInSchema, type SignInFormInput, type SignInFormValues } from "@/lib/validations/auth";

/** Email and password sign-in; goes to `?next=` (a local path) or home afterwards. */
export function SignInForm() {
  const router = useRouter();
  const searchParams = useSearchParams();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignInFormInput, unknown, SignInFormValues>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await getPb().collection(USERS_COLLECTION).authWithPassword(values.email, values.password);
      queryClient.clear();
      router.replace(safeNextPath(searchParams.get("next")));
    } catch (err) {
      if (err instanceof ClientResponseError && err.status === 400) {
        setFormError("Invalid email or password.");
      } else {
        setFormError(errorMessage(err));
      }
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Sign in">
      <div aria-live="assertive">
        {formError ? (
          <Alert variant="destructive" role="alert">
            <AlertCircleIcon aria-hidden="true" />
            <AlertDescription>{formError}</AlertDescription>
          </Alert>
        ) : null}
      </div>
      <FormField id="sign-in-email" label="Email" error={errors.email?.message}>
        {(aria) => <Input type="email" autoComplete="email" {...aria} {...form.register("email")} />}
      </FormField>
      <FormField id="sign-in-password" label="Password" error={errors.password?.message}>
        {(aria) => (
          <Input type="password" autoComplete="current-password" {...aria} {...form.register("password")} />
        )}
      </FormField>
      <div className="-mt-2 text-right text-sm">
        <Link href="/forgot-password/" className="text-primary underline-offset-4 hover:underline">
          Forgot password?
        </Link>
      </div>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
        Sign in
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        No account yet?{" "}
        <Link href="/sign-up/" className="text-primary underline-offset-4 hover:underline">
          Sign up
        </Link>
      </p>
    </form>
  );
}
