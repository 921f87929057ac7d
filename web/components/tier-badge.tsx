import { Badge } from "@/components/ui/badge";
import type { Tier } from "@/lib/validations/me";

const labels: Record<Tier, string> = { free: "Free", power: "Power", team: "Team" };

/** The user's subscription tier as a badge. */
export function TierBadge({ tier, className }: { tier: Tier; className?: string }) {
  return (
    <Badge variant={tier === "free" ? "secondary" : "default"} className={className}>
      {labels[tier]}
      <span className="sr-only"> tier</span>
    </Badge>
  );
}
