"use client";

import { LibraryIcon } from "lucide-react";
import Link from "next/link";

import { UsageCard } from "@/components/usage-card";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { useUsageBreakdown } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { formatCost, formatNumber } from "@/lib/format";
import { formatPercent } from "@/lib/usage";

/** The prompts that ran in the range, most runs first, with their success rate and cost. */
export function ActivePromptsCard({ params, enabled = true }: { params: UsageParams; enabled?: boolean }) {
  const breakdown = useUsageBreakdown({ ...params, by: "prompt", limit: 20 }, enabled);
  const data = breakdown.data;
  return (
    <UsageCard title="Active prompts" description="Prompts that ran in this range, most runs first." query={breakdown}>
      {!data || data.items.length === 0 ? (
        <EmptyState icon={LibraryIcon} title="No prompt ran in this range" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-md border">
            <table className="w-full text-sm" aria-label="Active prompts">
              <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Prompt</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Runs</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Success</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.key} className="border-t">
                    <th scope="row" className="max-w-72 truncate px-3 py-2 text-left font-medium">
                      {p.deleted && p.label === "Deleted prompt" ? (
                        <span className="text-muted-foreground">Deleted prompt</span>
                      ) : (
                        <Link href={`/prompts/view/?id=${encodeURIComponent(p.key)}`} className="underline-offset-4 hover:underline">
                          {p.label}
                        </Link>
                      )}
                      {p.deleted && p.label !== "Deleted prompt" ? (
                        <Badge variant="outline" className="ml-1.5">
                          in trash
                        </Badge>
                      ) : null}
                    </th>
                    <td className="px-3 py-2 text-right tabular-nums">{formatNumber(p.executions)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatPercent(p.successRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatCost(p.costMicros)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.totalGroups > data.items.length ? (
            <p className="text-xs text-muted-foreground">
              The {data.items.length} most used of {formatNumber(data.totalGroups)} prompts; the CSV export has them all.
            </p>
          ) : null}
        </>
      )}
    </UsageCard>
  );
}
