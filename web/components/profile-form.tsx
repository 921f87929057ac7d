"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { Loader2Icon } from "lucide-react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";

import { TierBadge } from "@/components/tier-badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { meQueryKey } from "@/hooks/use-me";
import { applyPocketbaseFieldErrors, errorMessage } from "@/lib/forms";
import { getPb, USERS_COLLECTION } from "@/lib/pocketbase";
import type { User } from "@/lib/validations/me";
import { profileSchema, type ProfileFormInput, type ProfileFormValues } from "@/lib/validations/profile";

/** Edits the user's name; email and tier are shown read-only. */
export function ProfileForm({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const form = useForm<ProfileFormInput, unknown, ProfileFormValues>({
    resolver: zodResolver(profileSchema),
    defaultValues: { name: user.name },
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await getPb().collection(USERS_COLLECTION).update(user.id, { name: values.name });
    } catch (err) {
      if (!applyPocketbaseFieldErrors(err, form.setError, ["name"] as const)) {
        toast.error("Could not save your profile", { description: errorMessage(err) });
      }
      return;
    }
    await queryClient.invalidateQueries({ queryKey: meQueryKey });
    form.reset({ name: values.name });
    toast.success("Profile saved");
  });

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate aria-label="Profile">
        <CardHeader>
          <CardTitle>Profile</CardTitle>
          <CardDescription>How you appear in Krowoc.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          <FormField id="profile-name" label="Name" error={errors.name?.message}>
            {(aria) => <Input autoComplete="name" {...aria} {...form.register("name")} />}
          </FormField>
          <div className="grid gap-2">
            <Label htmlFor="profile-email">Email</Label>
            <Input id="profile-email" type="email" value={user.email} readOnly aria-readonly="true" className="bg-muted" />
          </div>
          <div className="grid gap-2">
            <span className="text-sm font-medium leading-none" id="profile-tier-label">
              Tier
            </span>
            <div className="flex flex-wrap items-center gap-2" aria-labelledby="profile-tier-label">
              <TierBadge tier={user.tier} />
              <span className="text-xs text-muted-foreground">Only an administrator can change your tier.</span>
            </div>
          </div>
        </CardContent>
        <CardFooter>
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : null}
            Save changes
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
