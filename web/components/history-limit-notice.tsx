import { SparklesIcon } from "lucide-react";
import Link from "next/link";

import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { formatDate } from "@/lib/format";
import type { UsageRange } from "@/lib/validations/usage";

/** Says that the Free plan cut the asked range short, and where the numbers start. */
export function HistoryLimitNotice({ range }: { range: UsageRange | undefined }) {
  if (!range?.clampedFrom) return null;
  return (
    <Alert variant="warning">
      <AlertTitle>Showing the last {range.historyDays ?? 7} days</AlertTitle>
      <AlertDescription>
        Your plan keeps analytics for {range.historyDays ?? 7} days, so this view starts on {formatDate(range.from)} instead of{" "}
        {formatDate(range.clampedFrom)}.{" "}
        <Link href="/upgrade/" className="inline-flex items-center gap-1 font-medium underline underline-offset-4">
          <SparklesIcon className="size-3.5" aria-hidden="true" />
          Power and Team see the full history
        </Link>
      </AlertDescription>
    </Alert>
  );
}
