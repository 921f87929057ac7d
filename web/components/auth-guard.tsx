"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useRef, type ReactNode } from "react";

import { PageLoading } from "@/components/page-loading";
import { useAuth } from "@/hooks/use-auth";
import { getPb } from "@/lib/pocketbase";

const SignOutContext = createContext<(() => void) | null>(null);

/**
 * Renders its children only with a valid Pocketbase session. Without one
 * (never signed in, token expired, a 401 from the API) it sends the user to
 * /sign-in and back here afterwards; after an explicit sign-out, to /sign-in alone.
 */
export function AuthGuard({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const signedOut = useRef(false);

  useEffect(() => {
    if (auth.status !== "anonymous") return;
    // Nothing of the previous user may stay in memory.
    queryClient.clear();
    router.replace(signedOut.current ? "/sign-in/" : `/sign-in/?next=${encodeURIComponent(pathname)}`);
  }, [auth.status, pathname, queryClient, router]);

  const signOut = useCallback(() => {
    signedOut.current = true;
    getPb().authStore.clear();
  }, []);

  if (auth.status !== "authenticated") return <PageLoading />;
  return <SignOutContext.Provider value={signOut}>{children}</SignOutContext.Provider>;
}

/** Signs the user out; the guard then sends them to /sign-in. */
export function useSignOut(): () => void {
  const signOut = useContext(SignOutContext);
  if (!signOut) throw new Error("useSignOut must be used inside AuthGuard");
  return signOut;
}
