"use client";

import { ArrowDownUpIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { PromptSort } from "@/lib/api";

const sortLabels: Record<PromptSort, string> = {
  updated: "Last updated",
  created: "Created",
  title: "Title",
  usage: "Most used",
  votes: "Most voted",
};

export interface PromptSortMenuProps {
  sort: PromptSort;
  order: "asc" | "desc";
  onChange: (sort: PromptSort, order: "asc" | "desc") => void;
}

/** Sort key and direction of the prompt list. */
export function PromptSortMenu({ sort, order, onChange }: PromptSortMenuProps) {
  const counted = sort === "usage" || sort === "votes";
  const orderLabel =
    sort === "title"
      ? order === "asc"
        ? "A → Z"
        : "Z → A"
      : counted
        ? order === "desc"
          ? "most first"
          : "fewest first"
        : order === "desc"
          ? "newest first"
          : "oldest first";
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" aria-label={`Sort: ${sortLabels[sort]}, ${orderLabel}`}>
          <ArrowDownUpIcon aria-hidden="true" />
          <span className="hidden sm:inline">{sortLabels[sort]}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>Sort by</DropdownMenuLabel>
        <DropdownMenuRadioGroup
          value={sort}
          onValueChange={(v) => {
            const next = v as PromptSort;
            onChange(next, next === "title" ? "asc" : "desc");
          }}
        >
          {(Object.keys(sortLabels) as PromptSort[]).map((key) => (
            <DropdownMenuRadioItem key={key} value={key}>
              {sortLabels[key]}
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuLabel>Order</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={order} onValueChange={(v) => onChange(sort, v === "asc" ? "asc" : "desc")}>
          <DropdownMenuRadioItem value="asc">Ascending</DropdownMenuRadioItem>
          <DropdownMenuRadioItem value="desc">Descending</DropdownMenuRadioItem>
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
