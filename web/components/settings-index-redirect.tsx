"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** /settings has no page of its own: go to the profile. */
export function SettingsIndexRedirect() {
  const router = useRouter();
  useEffect(() => {
    router.replace("/settings/profile/");
  }, [router]);
  return null;
}
