"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { isActive, type NavItem } from "@/config/nav";
import { cn } from "@/lib/utils";

export interface NavLinksProps {
  items: readonly NavItem[];
  label: string;
  orientation?: "vertical" | "horizontal";
  onNavigate?: () => void;
  className?: string;
}

/** A list of navigation links marking the current page with aria-current. */
export function NavLinks({ items, label, orientation = "vertical", onNavigate, className }: NavLinksProps) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className={className}>
      <ul className={cn("flex gap-1", orientation === "vertical" ? "flex-col" : "flex-row flex-wrap")}>
        {items.map((item) => {
          const active = isActive(item, pathname);
          const Icon = item.icon;
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                onClick={onNavigate}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                  active
                    ? "bg-accent text-accent-foreground"
                    : "text-muted-foreground hover:bg-accent/60 hover:text-foreground",
                )}
              >
                <Icon className="size-4" aria-hidden="true" />
                {item.title}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
