"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { applyPocketbaseFieldErrors, errorMessage } from "@/lib/forms";
import { getPb, USERS_COLLECTION } from "@/lib/pocketbase";
import {
  PASSWORD_MIN,
  signUpSchema,
  type SignUpFormInput,
  type SignUpFormValues,
} from "@/lib/validations/auth";

const fields = ["name", "email", "password", "passwordConfirm"] as const;

/** Creates a Pocketbase user, signs them in and goes home. */
export function SignUpForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useForm<SignUpFormInput, unknown, SignUpFormValues>({
    resolver: zodResolver(signUpSchema),
    defaultValues: { name: "", email: "", password: "", passwordConfirm: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const users = getPb().collection(USERS_COLLECTION);
    try {
      await users.create({
        name: values.name,
        email: values.email,
        password: values.password,
        passwordConfirm: values.passwordConfirm,
      });
    } catch (err) {
      if (!applyPocketbaseFieldErrors(err, form.setError, fields)) {
        toast.error("Could not create the account", { description: errorMessage(err) });
      }
      return;
    }
    try {
      await users.authWithPassword(values.email, values.password);
    } catch (err) {
      toast.error("Account created, but signing in failed", { description: errorMessage(err) });
      router.replace("/sign-in/");
      return;
    }
    queryClient.clear();
    router.replace("/");
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4" aria-label="Sign up">
      <FormField id="sign-up-name" label="Name" error={errors.name?.message}>
        {(aria) => <Input autoComplete="name" {...aria} {...form.register("name")} />}
      </FormField>
      <FormField id="sign-up-email" label="Email" error={errors.email?.message}>
        {(aria) => <Input type="email" autoComplete="email" {...aria} {...form.register("email")} />}
      </FormField>
      <FormField
        id="sign-up-password"
        label="Password"
        hint={`At least ${PASSWORD_MIN} characters.`}
        error={errors.password?.message}
      >
        {(aria) => <Input type="password" autoComplete="new-password" {...aria} {...form.register("password")} />}
      </FormField>
      <FormField id="sign-up-password-confirm" label="Confirm password" error={errors.passwordConfirm?.message}>
        {(aria) => (
          <Input type="password" autoComplete="new-password" {...aria} {...form.register("passwordConfirm")} />
        )}
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
        Create account
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link href="/sign-in/" className="text-primary underline-offset-4 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
